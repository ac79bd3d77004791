import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PipelineBuilder } from '../../src/pipeline/index.js';
import { openMetadataStore } from '../../src/store/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { tmpDir } from '../support/tmp-dir.js';

describe('pipeline CLI exit codes', () => {
  it('upsert --definition of a missing file exits 3 (not found) with one line', async () => {
    const home = await tmpDir();
    const run = await cli(['pipeline', 'upsert', 'p', '--definition', 'nope.json'], { home, cwd: home });
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.stderr, `driftline: definition file '${path.join(home, 'nope.json')}' not found\n`);
    const json = await cli(['--json', 'pipeline', 'upsert', 'p', '--definition', 'nope.json'], { home, cwd: home });
    assert.equal(json.json<{ error: { code: string } }>().error.code, 'not_found');
  });

  it('resume exits 5 and says why when the execution it finished ended Failed', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    let id: string;
    try {
      const b = new PipelineBuilder();
      b.processing('Broken', { processor: { command: [process.execPath, '-e', "console.error('bad input'); process.exit(4)"] } });
      await app.pipelines.upsert('broken', b.build());
      id = (await app.pipelines.create('broken')).id;
    } finally {
      await app.close();
    }
    // The process that created it is gone: no owner heartbeat for a long time.
    const stores = await openMetadataStore(app.config.metadataUri);
    try {
      await stores.pipelines.updateExecution(id, { owner: 'elsewhere:1', heartbeatAt: 0 });
    } finally {
      await stores.close();
    }
    const run = await cli(['pipeline', 'resume'], { home });
    assert.equal(run.code, 5, run.stderr);
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, new RegExp(`^driftline: resumed execution ${id} failed: Step Broken failed: .*exit`));
    assert.match(run.stdout, new RegExp(`execution ${id} \\(broken v1\\): Failed`));
    const again = await cli(['pipeline', 'resume'], { home });
    assert.equal(again.code, 0, 'nothing left to resume');
  });
});
