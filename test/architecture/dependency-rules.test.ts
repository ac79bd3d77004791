import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../support/shared-data.js';
import { checkDependencyRules, readSources, type SourceFile } from './dependency-rules.js';

describe('dependency rules', () => {
  it('hold for the whole source tree: no cycles, no upward or driver imports in the domain', () => {
    const sources = readSources(path.join(PROJECT_ROOT, 'src'));
    assert.ok(sources.length > 30, 'the checker sees the sources');
    assert.deepEqual(checkDependencyRules(sources), []);
  });

  // The checker itself must be able to fail, or the rule above proves nothing.
  it('catch an import cycle', () => {
    const files: SourceFile[] = [
      { rel: 'data/a.ts', text: "import { b } from './b.js';" },
      { rel: 'data/b.ts', text: "import { c } from './c.js';" },
      { rel: 'data/c.ts', text: "export { a } from './a.js';" },
    ];
    assert.deepEqual(checkDependencyRules(files), ['import cycle: data/a.ts -> data/b.ts -> data/c.ts -> data/a.ts']);
  });

  it('catch domain code importing delivery code or a driver package', () => {
    const files: SourceFile[] = [
      { rel: 'data/prepare.ts', text: "import { runCli } from '../cli/run-cli.js';\nimport { DuckDBInstance } from '@duckdb/node-api';" },
      { rel: 'cli/run-cli.ts', text: 'export const runCli = 1;' },
    ];
    const problems = checkDependencyRules(files);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /data\/prepare\.ts \(domain\) imports cli\/run-cli\.ts \(delivery\)/);
    assert.match(problems[1]!, /imports '@duckdb\/node-api': driver packages belong in adapters/);
  });

  it('catch the CLI reaching into the store, and deep imports across contexts', () => {
    const files: SourceFile[] = [
      { rel: 'cli/x.ts', text: "import { openMetadataStore } from '../store/index.js';" },
      { rel: 'store/index.ts', text: '' },
      { rel: 'ml/trainer.ts', text: "import { geo } from '../data/geo-distance.js';" },
      { rel: 'data/geo-distance.ts', text: '' },
    ];
    const problems = checkDependencyRules(files);
    assert.ok(problems.some((p) => /delivery code gets stores through the App only/.test(p)));
    assert.ok(problems.some((p) => /import another context only through its index\.ts/.test(p)));
  });

  it('ignore type-only imports when looking for cycles', () => {
    const files: SourceFile[] = [
      { rel: 'data/a.ts', text: "import type { B } from './b.js';" },
      { rel: 'data/b.ts', text: "import { a } from './a.js';" },
    ];
    assert.deepEqual(checkDependencyRules(files), []);
  });
});
