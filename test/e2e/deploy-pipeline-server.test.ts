import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DeploymentRecord } from '../../src/deploy/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { invokeCsv, killAll, readCaptureRecords, trainServingModel, until } from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

interface Described {
  EndpointStatus: string;
  ProductionVariants: { VariantName: string; CurrentInstanceCount: number; ModelPackageName: string }[];
  DataCaptureConfig?: { CaptureStatus: string; DestinationS3Uri: string };
}

/** The sample's deployment notebook, against a running server: approve → staging → smoke test → approve → production → traffic → capture → monitor. */
describe('the deployment pipeline with a running server', () => {
  it(
    'approval deploys staging; deploy approve deploys 2 production workers capturing every request; the monitor reads the capture',
    { timeout: 240_000 },
    async () => {
      const home = await tmpDir('driftline-deploy-e2e-');
      const model = await trainServingModel(home, 'model');
      const app = await openApp(home);
      let server: ServerProcess | undefined;
      const describeEp = async (name: string) => {
        const r = await cli(['endpoint', 'describe', name, '--json'], { home });
        return r.code === 0 ? r.json<Described>() : undefined;
      };
      try {
        await app.registry.register({ group: 'taxi', modelDataUrl: `file://${model.path}`, modelSha256: model.sha256 });
        server = await startServerProcess(home);
        const approved = await cli(['registry', 'approve', 'taxi', '1', '--by', 'alice'], { home });
        assert.equal(approved.code, 0, approved.stderr);
        const id = /deployment (\S+) started/.exec(approved.stdout)?.[1];
        assert.ok(id, approved.stdout);

        // DeployStaging: the server starts the worker and the pipeline waits for the approval.
        await until(
          async () => (await cli(['deploy', 'describe', id, '--json'], { home })).json<DeploymentRecord>().stages[1]?.status === 'InProgress',
          'ManualApproval',
          60_000,
        );
        const staging = await describeEp('taxi-staging');
        assert.equal(staging?.EndpointStatus, 'InService');
        assert.equal(staging?.ProductionVariants[0]?.CurrentInstanceCount, 1);
        assert.equal(staging?.DataCaptureConfig, undefined, 'staging captures nothing');
        const smoke = await cli(['endpoint', 'invoke', 'taxi-staging', '--body', '1,2,3', '--url', server.url], { home });
        assert.equal(smoke.code, 0, smoke.stderr);
        assert.ok(Number.isFinite(Number(smoke.stdout.trim())), smoke.stdout);

        // ManualApproval → DeployProd: 2 workers, capture 100%.
        const ok = await cli(['deploy', 'approve', id, '--comment', 'staging answers as expected'], { home });
        assert.equal(ok.code, 0, ok.stderr);
        await until(
          async () => (await cli(['deploy', 'describe', id, '--json'], { home })).json<DeploymentRecord>().status === 'Succeeded',
          'the deployment to succeed',
          60_000,
        );
        const prod = (await describeEp('taxi-prod'))!;
        assert.deepEqual(
          prod.ProductionVariants.map((v) => [v.VariantName, v.CurrentInstanceCount, v.ModelPackageName]),
          [['LatestApproved', 2, 'taxi/1']],
        );
        assert.equal(prod.DataCaptureConfig?.CaptureStatus, 'Started');

        // The notebook's traffic: the same payload 100 times; every answer captured.
        const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => invokeCsv(server!.url, 'taxi-prod', `${i % 10},${i % 13},${i % 5}`)));
        assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
        const captureDir = path.join(new URL(prod.DataCaptureConfig!.DestinationS3Uri).pathname, 'taxi-prod', 'LatestApproved');
        await until(async () => (await readCaptureRecords(captureDir)).length === 100, '100 capture records', 30_000);

        // Model Monitor over the capture: a baseline of the same shape (prediction first, then the 3 inputs) finds no problem.
        const baselineCsv = path.join(home, 'baseline.csv');
        await writeFile(
          baselineCsv,
          `y,a,b,c\n${Array.from({ length: 200 }, (_, i) => `${2 * (i % 10) + (i % 13) + (i % 5) / 2},${i % 10},${i % 13},${i % 5}`).join('\n')}\n`,
        );
        const baseline = await cli(['monitor', 'suggest-baseline', '--dataset', baselineCsv, '--out', path.join(home, 'baseline')], { home });
        assert.equal(baseline.code, 0, baseline.stderr);
        const analysis = await cli(
          [
            '--json',
            'monitor',
            'analyze',
            '--statistics',
            path.join(home, 'baseline', 'statistics.json'),
            '--constraints',
            path.join(home, 'baseline', 'constraints.json'),
            '--capture',
            captureDir,
            '--from',
            new Date(Date.now() - 3_600_000).toISOString(),
            '--to',
            new Date(Date.now() + 3_600_000).toISOString(),
            '--out',
            path.join(home, 'analysis'),
          ],
          { home },
        );
        assert.ok(analysis.code === 0 || analysis.code === 5, analysis.stderr);
        const result = analysis.json<{ status: string; violations: unknown[]; missingColumns: unknown[] }>();
        assert.equal(result.status, 'Completed');
        assert.deepEqual([result.violations, result.missingColumns], [[], []]);
        const stats = JSON.parse(await readFile(path.join(home, 'analysis', 'statistics.json'), 'utf8')) as { dataset: { item_count: number } };
        assert.equal(stats.dataset.item_count, 100, 'every captured request is a monitored row');
      } finally {
        if (server?.child.pid !== undefined) killAll([server.child.pid]);
        await app.close();
      }
    },
  );
});
