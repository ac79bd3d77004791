// Child process of the cross-process registry test: opens the metadata store at <uri>, says
// "ready", waits until <go-file> exists, registers <count> versions of <group> at once, prints
// the versions it got as one JSON line.
// Usage: node --import tsx test/support/register-versions.ts <uri> <group> <count> <go-file>
import { existsSync } from 'node:fs';
import { systemClock } from '../../src/core/clock.js';
import { noopLogger } from '../../src/core/logger.js';
import { InProcessEventBus } from '../../src/events/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { openMetadataStore } from '../../src/store/index.js';

const [uri, group, countText, goFile] = process.argv.slice(2);
if (!uri || !group || !countText || !goFile) throw new Error('usage: register-versions <uri> <group> <count> <go-file>');
const stores = await openMetadataStore(uri);
const registry = new ModelRegistry({
  store: stores.registry,
  events: new InProcessEventBus(noopLogger),
  clock: systemClock,
  ids: (p) => `${p}_${process.pid}`,
  logger: noopLogger,
});
process.stdout.write('ready\n');
while (!existsSync(goFile)) await new Promise((r) => setTimeout(r, 5));
const packages = await Promise.all(
  Array.from({ length: Number(countText) }, (_, i) =>
    registry.register({ group, modelDataUrl: `file:///models/${process.pid}-${i}.json`, modelSha256: 'e'.repeat(64), registeredBy: `pid-${process.pid}` }),
  ),
);
process.stdout.write(`${JSON.stringify(packages.map((p) => p.version))}\n`);
await stores.close();
