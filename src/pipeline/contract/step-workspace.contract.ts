import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ArtifactStore } from '../../core/artifact-store.js';
import type { StepWorkspace } from '../step-workspace.js';

export interface WorkspaceUnderTest {
  readonly workspace: StepWorkspace;
  readonly artifacts: ArtifactStore;
  /** Makes the artifact store's `put` fail from the n-th call on (1-based), as a full disk would. */
  failPutsFrom(n: number): void;
}

/** The behaviour every StepWorkspace adapter must show. */
export function describeStepWorkspaceContract(name: string, make: () => Promise<WorkspaceUnderTest>): void {
  describe(`StepWorkspace contract: ${name}`, () => {
    it('job folders: created empty, written, read, removed; one folder per job name', async () => {
      const { workspace: ws } = await make();
      const dir = await ws.createJobFolder('job-1');
      assert.equal(dir, ws.jobFolder('job-1'));
      await ws.writeLocal(path.join(dir, 'out', 'a.txt'), 'A');
      assert.equal(await ws.readLocal(path.join(dir, 'out', 'a.txt')), 'A');
      assert.equal(await ws.readLocal(path.join(dir, 'nope.txt')), undefined);
      assert.equal(await ws.createJobFolder('job-1'), dir);
      assert.equal(await ws.readLocal(path.join(dir, 'out', 'a.txt')), undefined, 'a new folder starts empty');
      await ws.writeLocal(path.join(dir, 'b.txt'), 'B');
      await ws.discardJobFolder('job-1');
      assert.equal(await ws.readLocal(path.join(dir, 'b.txt')), undefined);
    });

    it('uploads a folder, downloads it elsewhere, fingerprints by content, keeps dot-folders local', async () => {
      const { workspace: ws } = await make();
      const dir = await ws.createJobFolder('job-2');
      await ws.writeLocal(path.join(dir, 'out', 'x.csv'), '1,2\n');
      await ws.writeLocal(path.join(dir, 'out', 'sub', 'y.json'), '{}');
      await ws.writeLocal(path.join(dir, 'out', '.driftline', 'job.log'), 'log');
      const uri = ws.uriOf('pipelines/p/e/S/out');
      assert.deepEqual(await ws.upload(path.join(dir, 'out'), uri), { files: 2, bytes: 6 });
      assert.equal(await ws.exists(uri), true);
      assert.equal(await ws.readText(`${uri}/sub/y.json`), '{}');
      const other = await ws.createJobFolder('job-3');
      await ws.download(uri, path.join(other, 'in'));
      assert.equal(await ws.readLocal(path.join(other, 'in', 'x.csv')), '1,2\n');
      assert.equal(await ws.readLocal(path.join(other, 'in', '.driftline', 'job.log')), undefined);
      const f1 = await ws.fingerprint(uri);
      await ws.writeLocal(path.join(dir, 'out', 'x.csv'), '1,3\n');
      await ws.upload(path.join(dir, 'out'), uri);
      assert.notEqual(await ws.fingerprint(uri), f1, 'new content, new fingerprint');
      await assert.rejects(ws.download(ws.uriOf('nothing/here'), other), { code: 'not_found' });
      await assert.rejects(ws.fingerprint(ws.uriOf('nothing/here')), { code: 'not_found' });
      assert.equal(await ws.exists(ws.uriOf('nothing/here')), false);
    });

    it('a re-upload replaces the old files, and deletes none of them before every new one is written', async () => {
      const under = await make();
      const ws = under.workspace;
      const dir = await ws.createJobFolder('job-4');
      await ws.writeLocal(path.join(dir, 'out', 'a.txt'), 'old a');
      await ws.writeLocal(path.join(dir, 'out', 'b.txt'), 'old b');
      const uri = ws.uriOf('o');
      await ws.upload(path.join(dir, 'out'), uri);
      const next = await ws.createJobFolder('job-5');
      await ws.writeLocal(path.join(next, 'out', 'a.txt'), 'new a');
      await ws.writeLocal(path.join(next, 'out', 'c.txt'), 'new c');
      await ws.writeLocal(path.join(next, 'out', 'd.txt'), 'new d');
      under.failPutsFrom(3);
      await assert.rejects(ws.upload(path.join(next, 'out'), uri));
      assert.equal(await ws.readText(`${uri}/b.txt`), 'old b', 'nothing old was deleted by the failed upload');
      assert.deepEqual(await under.artifacts.list('o/'), ['o/a.txt', 'o/b.txt'], 'and no partial new file stays');
      under.failPutsFrom(Infinity);
      await ws.upload(path.join(next, 'out'), uri);
      assert.deepEqual(await under.artifacts.list('o/'), ['o/a.txt', 'o/c.txt', 'o/d.txt']);
      assert.equal(await ws.readText(`${uri}/a.txt`), 'new a');
    });

    it('stores texts under keys and reads a folder of logs back in order', async () => {
      const { workspace: ws } = await make();
      await ws.putText('logs/job-2.log', 'second');
      const uri = await ws.putText('logs/job-1.log', 'first');
      assert.equal(uri, ws.uriOf('logs/job-1.log'));
      assert.deepEqual(await ws.readLogs('logs'), [
        { name: 'job-1.log', text: 'first' },
        { name: 'job-2.log', text: 'second' },
      ]);
      assert.equal(await ws.sha256(uri), createHash('sha256').update('first').digest('hex'));
      await assert.rejects(ws.upload('/tmp', 'elsewhere://x'), { code: 'invalid_argument' });
    });
  });
}
