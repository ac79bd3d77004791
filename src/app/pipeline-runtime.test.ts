import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, it } from 'node:test';
import { processStartTicks } from '../pipeline/adapters/process-groups.js';
import { ownerAlive, ownerId } from './pipeline-runtime.js';

describe('pipeline owner ids', () => {
  it('are unique per process start: the same host and pid with another start is a dead owner', async () => {
    const me = ownerId();
    assert.equal(ownerId(), me, 'stable within a process');
    const [host, pid, start, nonce] = me.split(':');
    assert.deepEqual([host, Number(pid)], [os.hostname(), process.pid]);
    assert.equal(start, processStartTicks(process.pid));
    assert.match(nonce ?? '', /^[0-9a-f]{8}$/);
    assert.equal(ownerAlive(me), true);
    // An earlier engine that was PID 1 in a container, say: same host and pid, another process start.
    assert.equal(ownerAlive(`${host}:${pid}:${start}:00000000`), false);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const childOwner = `${host}:${child.pid}:${processStartTicks(child.pid!)}:12345678`;
    assert.equal(ownerAlive(childOwner), true);
    assert.equal(ownerAlive(`${host}:${child.pid}:1:12345678`), false, 'a pid now used by a process that started later');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(ownerAlive(childOwner), false);
    assert.equal(ownerAlive(`another-host:${child.pid}:1:1`), undefined, 'cannot be told from here');
  });
});
