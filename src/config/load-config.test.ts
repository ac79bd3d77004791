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
      serverUrl: 'http://127.0.0.1:8080',
      serving: { host: '127.0.0.1', port: 8080, accessKeys: {}, captureFsync: 'none' },
    });
    assert.ok(Object.isFrozen(c));
  });

  it('lets --home win over DRIFTLINE_HOME, and DRIFTLINE_HOME over the default', () => {
    assert.equal(loadConfig({ DRIFTLINE_HOME: '/e' }, {}, '/w').home, '/e');
    assert.equal(loadConfig({ DRIFTLINE_HOME: '/e' }, { home: 'rel' }, '/w').home, '/w/rel');
  });

  it('reads the server settings: host, port, access keys, capture fsync; the flags win', () => {
    const c = loadConfig(
      {
        DRIFTLINE_SERVER_HOST: '0.0.0.0',
        DRIFTLINE_SERVER_PORT: '9000',
        DRIFTLINE_ACCESS_KEYS: 'AKID:s3cret, K2:x:y',
        DRIFTLINE_CAPTURE_FSYNC: 'interval:200',
      },
      { serverPort: '9001' },
      '/w',
    );
    assert.deepEqual(c.serving, { host: '0.0.0.0', port: 9001, accessKeys: { AKID: 's3cret', K2: 'x:y' }, captureFsync: 'interval:200' });
    assert.throws(
      () => loadConfig({ DRIFTLINE_SERVER_PORT: 'http', DRIFTLINE_ACCESS_KEYS: 'nokey', DRIFTLINE_CAPTURE_FSYNC: 'always' }),
      (err: Error) =>
        /port 'http'/.test(err.message) && /ACCESS_KEYS/.test(err.message) && !/nokey/.test(err.message.replace("'?", '')) && /always/.test(err.message),
    );
  });

  it('takes the server URL from DRIFTLINE_SERVER_URL, without a trailing slash', () => {
    assert.equal(loadConfig({ DRIFTLINE_SERVER_URL: 'http://10.0.0.5:9000/' }, {}, '/w').serverUrl, 'http://10.0.0.5:9000');
  });

  it('reports every problem at once', () => {
    assert.throws(
      () =>
        loadConfig({
          DRIFTLINE_METADATA_URI: 'mysql://x',
          DRIFTLINE_ARTIFACT_URI: 'ftp://y',
          DRIFTLINE_LOG_LEVEL: 'loud',
          DRIFTLINE_SERVER_URL: 'localhost:8080',
        }),
      (err: Error & { code?: string }) =>
        err.code === 'invalid_argument' &&
        /mysql/.test(err.message) &&
        /ftp/.test(err.message) &&
        /loud/.test(err.message) &&
        /localhost:8080/.test(err.message),
    );
  });
});
