import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/core/errors.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { VERSION } from '../../src/cli/version.js';
import { cli } from '../support/cli-runner.js';
import { tmpDir } from '../support/tmp-dir.js';

const COMMANDS = [
  [],
  ['data'],
  ['data', 'prepare'],
  ['data', 'generate'],
  ['data', 'fetch-nyc'],
  ['data', 'list'],
  ['data', 'show'],
  ['train'],
  ['predict'],
  ['monitor'],
  ['monitor', 'suggest-baseline'],
  ['monitor', 'merge-statistics'],
  ['monitor', 'analyze'],
  ['quickstart'],
  ['pipeline'],
  ['pipeline', 'upsert'],
  ['pipeline', 'list'],
  ['pipeline', 'describe'],
  ['pipeline', 'start'],
  ['pipeline', 'executions'],
  ['pipeline', 'describe-execution'],
  ['pipeline', 'stop'],
  ['pipeline', 'retry'],
  ['pipeline', 'resume'],
  ['pipeline', 'logs'],
  ['registry'],
  ['registry', 'versions'],
  ['registry', 'approve'],
];

/** Every command and subcommand, found by walking the `Commands:` sections of the help texts (so a new command cannot be forgotten). */
async function discoverCommands(prefix: string[] = []): Promise<string[][]> {
  const help = (await cli([...prefix, '--help'])).stdout;
  const section = help.split(/^Commands:$/m)[1] ?? '';
  const names = [...section.matchAll(/^ {2}([a-z][a-z0-9-]*)(?: |\[|$)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
  const out: string[][] = [];
  for (const n of names) {
    out.push([...prefix, n]);
    out.push(...(await discoverCommands([...prefix, n])));
  }
  return out;
}

describe('CLI conventions', () => {
  it('every command and subcommand explains itself with --help (exit 0), and the hand-kept list is covered', async () => {
    const all = await discoverCommands();
    for (const known of COMMANDS.filter((c) => c.length > 0))
      assert.ok(
        all.some((c) => c.join(' ') === known.join(' ')),
        `${known.join(' ')} was not discovered`,
      );
    for (const top of ['endpoint', 'deploy', 'server', 'schedule', 'metrics', 'alarm', 'rules', 'events'])
      assert.ok(
        all.some((c) => c[0] === top),
        `${top} is a command`,
      );
    assert.ok(all.length > 80, `${all.length} commands`);
    for (const command of all) {
      const run = await cli([...command, '--help']);
      assert.equal(run.code, 0, command.join(' '));
      assert.match(run.stdout, /^Usage: driftline/, command.join(' '));
      assert.match(run.stdout, /--help/, command.join(' '));
    }
  });

  for (const command of COMMANDS) {
    it(`'${['driftline', ...command].join(' ')} --help' prints usage and exits 0`, async () => {
      const run = await cli([...command, '--help']);
      assert.equal(run.code, 0);
      assert.match(run.stdout, /^Usage: driftline/);
      assert.match(run.stdout, /--help/);
    });
  }

  it('offers --json and --home on every command', async () => {
    const run = await cli(['--help']);
    assert.match(run.stdout, /--json/);
    assert.match(run.stdout, /--home <dir>/);
  });

  it('prints the version', async () => {
    const run = await cli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), VERSION);
  });

  it('answers an unknown command or option with one line and exit code 2', async () => {
    for (const argv of [['bogus'], ['data', 'prepare', '--bogus']]) {
      const run = await cli(argv);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /^driftline: /);
    }
  });

  it('maps every error code to a distinct non-zero exit code', () => {
    const codes = ERROR_CODES.map((c) => EXIT_CODES[c]);
    assert.ok(codes.every((c) => c > 0));
    assert.equal(new Set(codes).size, codes.length);
  });

  it('reports invalid configuration with every problem on one line', async () => {
    const run = await cli(['data', 'list'], { env: { DRIFTLINE_LOG_LEVEL: 'loud', DRIFTLINE_METADATA_URI: 'mysql://x' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid configuration: .*mysql.*loud/);
  });

  it('lists nothing on a new home, then shows the datasets of a quickstart run', async () => {
    const home = await tmpDir();
    const empty = await cli(['data', 'list'], { home });
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /no datasets yet/);
    const quick = await cli(['--json', 'quickstart', '--rows', '2000'], { home });
    assert.equal(quick.code, 0, quick.stderr);
    const result = quick.json<{
      generated: string[];
      prepared: string;
      execution: string;
      evaluation: { regression_metrics: { rmse: { value: number } } };
      deployment: string;
      endpoints: string[];
      analyses: { status: string; violations: number; driftedFeatures: string[] }[];
    }>();
    const list = await cli(['data', 'list'], { home });
    assert.match(list.stdout, new RegExp(`${result.prepared}\\s+prepared`));
    assert.match(list.stdout, new RegExp(`${result.generated[0]}\\s+generated`));
    assert.ok(result.evaluation.regression_metrics.rmse.value > 0);
    const execution = await cli(['--json', 'pipeline', 'describe-execution', result.execution], { home });
    const described = execution.json<{ PipelineExecutionStatus: string; PipelineExecutionSteps: { StepName: string }[] }>();
    assert.equal(described.PipelineExecutionStatus, 'Succeeded');
    const names = described.PipelineExecutionSteps.map((s) => s.StepName);
    assert.deepEqual(names.slice(0, 3), ['PreprocessData', 'DataQualityBaselineJob', 'TrainModel']);
    // After training, evaluation and the predictions' baseline run side by side: their order varies.
    assert.deepEqual([...names.slice(3)].sort(), ['CheckEvaluation', 'EvaluateModel', 'PredictionBaselineJob', 'RegisterModel', 'ScoreBaseline']);
    // Served through staging and production; the drifted month's captured traffic (the notebook's preset) is flagged, January's is not.
    assert.deepEqual(result.endpoints, ['quickstart-nyc-taxi-staging', 'quickstart-nyc-taxi-prod']);
    const [january, february] = result.analyses;
    assert.equal(february?.status, 'CompletedWithViolations');
    assert.ok(february?.driftedFeatures.includes('passenger_count') && february.driftedFeatures.includes('geo_distance'), JSON.stringify(february));
    assert.ok(!january?.driftedFeatures.includes('geo_distance') && !january?.driftedFeatures.includes('passenger_count'), JSON.stringify(january));
    const missing = await cli(['data', 'show', 'ds_nope'], { home });
    assert.equal(missing.code, 3);
    assert.equal(missing.stderr, "driftline: dataset 'ds_nope' not found\n");
  });
});
