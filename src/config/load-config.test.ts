import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('defaults to .driftline in the working directory with SQLite and file artifacts', () => {
    const c = loadConfig({}, {}, '/work/p');
    assert.deepEqual(c, {
      home: '/work/p/.driftline',
      metadataUri: 'sqlite:///work/p/.driftline/driftline.db',
      artifactUri: 'file:///work/p/.driftline/artifacts',
      logLevel: 'warn',
    });
    assert.ok(Object.isFrozen(c));
  });

  it('lets --home win over DRIFTLINE_HOME, and DRIFTLINE_HOME over the default', () => {
    assert.equal(loadConfig({ DRIFTLINE_HOME: '/e' }, {}, '/w').home, '/e');
    assert.equal(loadConfig({ DRIFTLINE_HOME: '/e' }, { home: 'rel' }, '/w').home, '/w/rel');
  });

  it('reports every problem at once', () => {
    assert.throws(
      () => loadConfig({ DRIFTLINE_METADATA_URI: 'mysql://x', DRIFTLINE_ARTIFACT_URI: 'ftp://y', DRIFTLINE_LOG_LEVEL: 'loud' }),
      (err: Error & { code?: string }) => err.code === 'invalid_argument' && /mysql/.test(err.message) && /ftp/.test(err.message) && /loud/.test(err.message),
    );
  });
});
