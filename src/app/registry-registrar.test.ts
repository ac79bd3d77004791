import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { UnavailableError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import { InProcessEventBus } from '../events/index.js';
import { ModelRegistry, type RegistryStore } from '../registry/index.js';
import { MemoryRegistryStore } from '../store/memory/memory-registry-store.js';
import { registryRegistrar } from './registry-registrar.js';

describe('registry registrar', () => {
  it('an unknown group has no approved baseline, but an unavailable registry is an error, not "no baseline"', async () => {
    const inner = new MemoryRegistryStore();
    let down = false;
    const store = Object.create(inner) as RegistryStore;
    store.listVersions = async (...args) => {
      if (down) throw new UnavailableError('metadata store: list versions failed: SQLITE_BUSY: database is locked');
      return inner.listVersions(...args);
    };
    let n = 0;
    const registry = new ModelRegistry({
      store,
      events: new InProcessEventBus(noopLogger),
      clock: new ManualClock(0),
      ids: (p) => `${p}-${++n}`,
      logger: noopLogger,
    });
    const registrar = registryRegistrar(registry);
    assert.equal(await registrar.latestApprovedBaseline('no-such-group'), undefined);
    await registry.createGroup({ name: 'g' });
    assert.equal(await registrar.latestApprovedBaseline('g'), undefined, 'a group with no approved version');
    down = true;
    await assert.rejects(registrar.latestApprovedBaseline('g'), { code: 'unavailable', message: /database is locked/ });
  });
});
