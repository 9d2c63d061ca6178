import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CasekitError } from '@casekit/protocol';
import { startRedis, type RunningRedis } from '@casekit/testkit';
import { createClient } from 'redis';
import { createRedisCoordination } from './redis.ts';

// Two clients stand for two nodes: each has its own connection, as separate processes would.
describe('limits and locks in Redis', () => {
  let redis: RunningRedis;
  let clients: ReturnType<typeof createClient>[];

  before(async () => {
    redis = await startRedis();
    clients = [createClient({ url: redis.url }), createClient({ url: redis.url })];
    await Promise.all(clients.map((client) => client.connect()));
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await redis.stop();
  });

  it('counts a window across nodes, blocks at the limit, and forgets it when the window ends', async () => {
    const limit = { limit: 3, windowMs: 400 };
    const [onA, onB] = clients.map((client) => createRedisCoordination(client, { prefix: 'window:' }).limiter('login-email', limit));
    assert.equal(await onA!.record('ann@example.com'), 0);
    assert.equal(await onB!.record('ann@example.com'), 0);
    assert.equal(await onA!.blockedFor('ann@example.com'), 0);
    assert.equal(await onB!.record('ann@example.com'), 0, 'the third counts and reaches the limit');
    assert.equal(await onA!.blockedFor('ann@example.com'), 1);
    assert.equal(await onA!.record('ann@example.com'), 1, 'a fourth that raced past the check is told it is blocked');
    assert.equal(await onB!.blockedFor('bob@example.com'), 0, 'other keys are apart');
    await sleep(450);
    assert.equal(await onB!.blockedFor('ann@example.com'), 0);
    assert.equal(await onB!.record('ann@example.com', -1), 0, 'taking back from an ended window does nothing');
    assert.equal(await onB!.blockedFor('ann@example.com'), 0);
  });

  it('takes back a reservation and clears a key', async () => {
    const [onA, onB] = clients.map((client) => createRedisCoordination(client, { prefix: 'reserve:' }).limiter('upload-bytes', { limit: 100, windowMs: 60_000 }));
    await onA!.record('visitor', 100);
    assert.ok((await onB!.blockedFor('visitor')) > 50, 'blocked for about the window');
    await onB!.record('visitor', -40);
    assert.equal(await onA!.blockedFor('visitor'), 0);
    await onA!.record('visitor', 40);
    await onB!.clear('visitor');
    assert.equal(await onA!.blockedFor('visitor'), 0);
  });

  it('lets one node at a time run under a key, in turn', async () => {
    const [a, b] = clients.map((client) => createRedisCoordination(client, { prefix: 'turns:' }));
    const log: string[] = [];
    const hold = (who: string) => async () => {
      log.push(`${who} in`);
      await sleep(60);
      log.push(`${who} out`);
      return who;
    };
    const answers = await Promise.all([a!.withLock('key-1', hold('a1')), b!.withLock('key-1', hold('b1')), a!.withLock('key-1', hold('a2'))]);
    assert.deepEqual(answers, ['a1', 'b1', 'a2']);
    for (let i = 0; i < log.length; i += 2) assert.equal(log[i]!.replace(' in', ''), log[i + 1]!.replace(' out', ''), `no overlap: ${log.join(', ')}`);
    // Another key does not wait.
    const started = performance.now();
    await Promise.all([a!.withLock('key-2', () => sleep(100)), b!.withLock('key-3', () => sleep(100))]);
    assert.ok(performance.now() - started < 180);
  });

  it('releases only its own lock: one that expired and was taken by another node stays taken', async () => {
    const [a, b] = clients.map((client) => createRedisCoordination(client, { prefix: 'owner:', lockTtlMs: 150, lockWaitMs: 2000 }));
    const [client] = clients;
    // A node that froze past its lock's TTL: its renewal could not run.
    let release!: () => void;
    const frozen = a!.withLock('key', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    await client!.del('owner:lock:key'); // the TTL ran out while A was frozen
    let bHolds = false;
    const second = b!.withLock('key', async () => {
      bHolds = true;
      release(); // A wakes up and finishes while B holds the lock
      await frozen;
      assert.ok(await client!.get('owner:lock:key'), 'A did not release the lock B holds');
    });
    await second;
    assert.ok(bHolds);
    assert.equal(await client!.get('owner:lock:key'), null, 'B released its own lock');
  });

  it('answers a caller that waited too long with a 409 to retry, and Redis gone with a 503', async () => {
    const [a, b] = clients.map((client) => createRedisCoordination(client, { prefix: 'wait:', lockWaitMs: 100 }));
    let release!: () => void;
    const holding = a!.withLock('key', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(10);
    await assert.rejects(b!.withLock('key', async () => 'never'), (error: unknown) => error instanceof CasekitError && error.code === 'conflict' && error.status === 409);
    release();
    await holding;

    const gone = createClient({ url: `redis://127.0.0.1:${redis.port}`, socket: { reconnectStrategy: false } });
    gone.on('error', () => undefined);
    await gone.connect();
    await gone.close();
    const limiter = createRedisCoordination(gone).limiter('login-email', { limit: 1, windowMs: 1000 });
    await assert.rejects(limiter.blockedFor('x'), (error: unknown) => error instanceof CasekitError && error.code === 'unavailable' && error.status === 503);
  });
});
