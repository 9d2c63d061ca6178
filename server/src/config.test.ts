import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { ConfigError, loadConfig, parseSize, resolveJwtSecret, resolveSecretKey } from './config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'server/src/cli.ts');

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, resolve('./data'));
    assert.equal(config.workspaceId, 'demo');
    assert.equal(config.bodyLimit, 1024 * 1024);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.uploadLimit, 10 * 1024 * 1024);
    assert.deepEqual(config.uploadTypes, ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);
    assert.equal(config.publicUrl, undefined);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.secretKey, undefined);
    assert.equal(config.leaseMs, 60_000);
  });

  it('reads the lease of claimed work, and names CASEKIT_LEASE_MS when it is not a sane number of milliseconds', () => {
    assert.equal(loadConfig({ CASEKIT_LEASE_MS: '3000' }).leaseMs, 3000);
    for (const bad of ['3s', '999', '-5000', '1.5', '3600001']) {
      assert.throws(
        () => loadConfig({ CASEKIT_LEASE_MS: bad }),
        (error: Error) => error instanceof ConfigError && error.message.includes(`CASEKIT_LEASE_MS: must be a whole number of milliseconds from 1000 to 3600000 (default 60000) (got "${bad}")`),
        bad,
      );
    }
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      CASEKIT_DATA_DIR: '/tmp/casekit-x',
      CASEKIT_JWT_SECRET: 's'.repeat(40),
      CASEKIT_WORKSPACE_ID: 'acme',
      CASEKIT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      CASEKIT_JWT_ISSUER: 'https://idp.example.com',
      CASEKIT_BODY_LIMIT: '256kb',
      CASEKIT_UPLOAD_LIMIT: '2mb',
      CASEKIT_REALTIME_QUEUE_LIMIT: '256kb',
      CASEKIT_UPLOAD_TYPES: 'image/png, Application/PDF',
      CASEKIT_PUBLIC_URL: 'https://support.example.com/api/v1',
      CASEKIT_CORS_ORIGINS: 'https://www.example.com, HTTP://localhost:8080/',
      CASEKIT_SECRET_KEY: 'k'.repeat(44),
      LOG_LEVEL: 'debug',
    });
    assert.deepEqual(config.corsOrigins, ['https://www.example.com', 'http://localhost:8080']);
    assert.equal(config.secretKey, 'k'.repeat(44));
    assert.equal(loadConfig({ CASEKIT_CORS_ORIGINS: '*' }).corsOrigins, '*');
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ CASEKIT_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ CASEKIT_TRUST_PROXY: 'TRUE' }).trustProxy, true);
    assert.deepEqual(loadConfig({ CASEKIT_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
    assert.throws(() => loadConfig({ CASEKIT_TRUST_PROXY: 'my-proxy' }), /CASEKIT_TRUST_PROXY: must be true, a number of proxies/);
    assert.equal(config.uploadLimit, 2 * 1024 * 1024);
    assert.equal(config.realtimeQueueLimit, 256 * 1024);
    assert.equal(loadConfig({}).realtimeQueueLimit, 1024 * 1024);
    assert.deepEqual(config.uploadTypes, ['image/png', 'application/pdf']);
    assert.equal(config.publicUrl, 'https://support.example.com', 'a trailing /api/v1 is dropped');
    assert.equal(loadConfig({ CASEKIT_PUBLIC_URL: 'https://example.com/support/' }).publicUrl, 'https://example.com/support');
    assert.equal(loadConfig({ CASEKIT_SMTP_PORT: '2525' }).smtpPort, 2525);
    assert.equal(loadConfig({}).redisUrl, undefined, 'without Redis: one process');
    assert.equal(loadConfig({ CASEKIT_REDIS_URL: 'redis://:pw@10.0.0.5:6379/2' }).redisUrl, 'redis://:pw@10.0.0.5:6379/2');
    let redisError: unknown;
    try {
      loadConfig({ CASEKIT_REDIS_URL: 'http://:hunter2@cache.internal:6379' });
    } catch (error) {
      redisError = error;
    }
    assert.match(String(redisError), /CASEKIT_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.doesNotMatch(String(redisError), /hunter2/, 'a URL may carry the password: never echoed');
    assert.equal(config.port, 0);
    assert.equal(config.workspaceId, 'acme');
    assert.equal(config.bodyLimit, 256 * 1024);
    assert.equal(config.jwksUrl, 'https://idp.example.com/.well-known/jwks.json');
    assert.equal(config.logLevel, 'debug');
  });

  it('names every bad variable, without echoing the secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '70000',
        LOG_LEVEL: 'loud',
        CASEKIT_JWKS_URL: 'ftp://example.com/keys',
        CASEKIT_BODY_LIMIT: 'lots',
        CASEKIT_UPLOAD_TYPES: 'images',
        CASEKIT_JWT_SECRET: 'hunter2',
        CASEKIT_SECRET_KEY: 'swordfish',
        CASEKIT_CORS_ORIGINS: 'https://ok.example, example.com/path',
        CASEKIT_WORKSPACE_ID: 'has spaces',
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const message = error.message;
    assert.match(message, /PORT: must be a whole number between 0 and 65535 \(got "70000"\)/);
    assert.match(message, /LOG_LEVEL: must be one of debug, info, warn, error, silent \(got "loud"\)/);
    assert.match(message, /CASEKIT_JWKS_URL: must be an http\(s\) URL/);
    assert.match(message, /CASEKIT_BODY_LIMIT: must be a size such as 1mb/);
    assert.match(message, /CASEKIT_UPLOAD_TYPES: must be media types separated by commas/);
    assert.match(message, /CASEKIT_JWT_SECRET: must be at least 32 characters/);
    assert.match(message, /CASEKIT_WORKSPACE_ID: must contain only letters/);
    assert.match(message, /CASEKIT_SECRET_KEY: must be at least 32 characters/);
    assert.match(message, /CASEKIT_CORS_ORIGINS: "example.com\/path" is not an origin/);
    assert.doesNotMatch(message, /hunter2|swordfish/);
    assert.throws(() => loadConfig({ PORT: 'abc' }), /PORT: must be a whole number/);
    assert.throws(() => loadConfig({ CASEKIT_JWKS_URL: 'https://idp.example.com/jwks.json' }), /CASEKIT_JWT_ISSUER: must be set with CASEKIT_JWKS_URL/);
  });

  it('reads Splynx and DynamoDB settings, and names what is missing or wrong', () => {
    const config = loadConfig({
      CASEKIT_SPLYNX_URL: 'https://billing.example.net/',
      CASEKIT_SPLYNX_API_KEY: 'key-1',
      CASEKIT_SPLYNX_API_SECRET: 'secret-1',
      CASEKIT_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
    assert.deepEqual(config.splynx, { url: 'https://billing.example.net', apiKey: 'key-1', apiSecret: 'secret-1', hookSecret: undefined, syncIntervalSeconds: 300 });
    assert.deepEqual(config.dynamodb, { tableName: 'casekit', endpoint: 'http://127.0.0.1:8000' });
    assert.equal(loadConfig({}).splynx, undefined);
    assert.throws(
      () => loadConfig({ CASEKIT_SPLYNX_URL: 'https://billing.example.net', CASEKIT_SPLYNX_API_SECRET: 'do-not-print', CASEKIT_SPLYNX_SYNC_INTERVAL: 'soon', CASEKIT_DYNAMODB_TABLE: 'a' }),
      (error: Error) =>
        error instanceof ConfigError &&
        /CASEKIT_SPLYNX_API_KEY/.test(error.message) &&
        /CASEKIT_SPLYNX_SYNC_INTERVAL/.test(error.message) &&
        /CASEKIT_DYNAMODB_TABLE/.test(error.message) &&
        !error.message.includes('do-not-print'),
    );
  });

  it('parses sizes', () => {
    assert.equal(parseSize('1mb'), 1048576);
    assert.equal(parseSize('512 KB'), 524288);
    assert.equal(parseSize('2048'), 2048);
    assert.equal(parseSize('0'), null);
    assert.equal(parseSize('-1mb'), null);
  });

  it('makes the process exit 1 with a message naming the variable', () => {
    const result = spawnSync(NODE, ['--conditions=casekit-source', CLI, 'start'], {
      env: { ...process.env, PORT: 'eighty', CASEKIT_DATA_DIR: join(tmpdir(), 'casekit-never') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /PORT: must be a whole number between 0 and 65535 \(got "eighty"\)/);
  });
});

describe('resolveJwtSecret', () => {
  it('generates a secret once, keeps it private and reuses it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'casekit-config-'));
    try {
      const first = await resolveJwtSecret({ dataDir, jwtSecret: undefined });
      assert.ok(first.length >= 32);
      assert.equal(await resolveJwtSecret({ dataDir, jwtSecret: undefined }), first);
      assert.equal((await readFile(join(dataDir, 'jwt-secret'), 'utf8')).trim(), first);
      assert.equal((await stat(join(dataDir, 'jwt-secret'))).mode & 0o777, 0o600);
      assert.equal(await resolveJwtSecret({ dataDir, jwtSecret: 'x'.repeat(32) }), 'x'.repeat(32));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('resolveSecretKey', () => {
  it('generates a key once and keeps it, and never replaces a damaged one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'casekit-config-'));
    try {
      const first = await resolveSecretKey({ dataDir, secretKey: undefined });
      assert.ok(first.length >= 32);
      assert.equal(await resolveSecretKey({ dataDir, secretKey: undefined }), first);
      assert.equal((await stat(join(dataDir, 'secret-key'))).mode & 0o777, 0o600);
      assert.equal(await resolveSecretKey({ dataDir, secretKey: 'y'.repeat(32) }), 'y'.repeat(32));
      await writeFile(join(dataDir, 'secret-key'), 'short\n');
      await assert.rejects(resolveSecretKey({ dataDir, secretKey: undefined }), (error: unknown) => error instanceof ConfigError && /secret-key holds fewer than 32/.test(error.message));
      assert.equal((await readFile(join(dataDir, 'secret-key'), 'utf8')).trim(), 'short');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
