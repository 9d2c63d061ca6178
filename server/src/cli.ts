#!/usr/bin/env node
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuth, errorText } from '@casekit/server';
import { assertSupportedNode } from '@casekit/store-sqlite';
import { dynamoClient, openStore } from './store.ts';
import { BILLING_ACCOUNTS, createCaseEngine, listSyncLog, type CaseEngine, type Store } from '@casekit/core';
import type { SyncRun } from '@casekit/protocol';
import { createSplynxSync } from '@casekit/splynx';
import { ConfigError, loadConfig, resolveJwtSecret, resolveSecretKey, type Config, type SplynxConfig } from './config.ts';
import { seedDemo, type SeedResult } from './demo/seed.ts';
import { startServer } from './index.ts';
import { runSplynxFake, SPLYNX_FAKE_OPTIONS } from './splynx-fake.ts';

const USAGE = `Usage: casekit <command> [options]

Commands:
  start [--demo]   Start the server (--demo seeds the demo workspace first, runs fakes of
                   Twilio and an SMTP relay, and takes mail on CASEKIT_SMTP_PORT, default 2525)
  seed --demo      Seed the demo workspace into the data directory and exit
  simulate [--count 6] [--url http://127.0.0.1:3000]
                   Send believable SMS, WhatsApp and email messages into a running demo
  dynamodb create-table
                   Create the DynamoDB table of CASEKIT_DYNAMODB_TABLE (default casekit) and wait
                   until it is active; an existing table with casekit's keys is left as it is
  splynx sync [--full]
                   Pull customers, services and invoices from the Splynx of CASEKIT_SPLYNX_URL
                   into the data directory now, with a progress bar (--full reads everything)
  splynx status    Show the Splynx sync's last runs, linked customers and latest log lines
  splynx fake [--port 8180] [--customers 25] [--api-key <k>] [--api-secret <s>]
              [--seed 1] [--hook-url <url> --hook-secret <s>] [--host 127.0.0.1]
                   Run a fake Splynx (API v2.0) seeded with customers, services, invoices and
                   tickets; prints its URL and credentials (random ones unless given)
  help             Show this help

Environment: PORT (3000), HOST (127.0.0.1), CASEKIT_DATA_DIR (./data), CASEKIT_JWT_SECRET,
CASEKIT_SECRET_KEY, CASEKIT_WORKSPACE_ID (demo), CASEKIT_JWKS_URL, CASEKIT_JWT_ISSUER,
CASEKIT_JWT_AUDIENCE, CASEKIT_CORS_ORIGINS, CASEKIT_TRUST_PROXY, CASEKIT_BODY_LIMIT (1mb),
CASEKIT_UPLOAD_LIMIT (10mb), CASEKIT_UPLOAD_TYPES, CASEKIT_PUBLIC_URL (the server's public base URL,
without /api/v1), CASEKIT_SMTP_PORT (mail for email channels), CASEKIT_REDIS_URL (several nodes),
CASEKIT_STORE (sqlite | dynamodb), CASEKIT_DYNAMODB_TABLE (casekit), CASEKIT_DYNAMODB_ENDPOINT
(DynamoDB Local), AWS_REGION and AWS credentials, CASEKIT_SPLYNX_URL, CASEKIT_SPLYNX_API_KEY,
CASEKIT_SPLYNX_API_SECRET, CASEKIT_SPLYNX_HOOK_SECRET, CASEKIT_SPLYNX_SYNC_INTERVAL (300 s),
CASEKIT_LEASE_MS (60000: how long a node keeps the replies and timers it claimed), LOG_LEVEL (info).
See server/README.md.
`;

/** A one-line progress bar redrawn with \\r on a terminal; silent elsewhere until the end. */
function progressBar(label: string): { update(done: number, total: number): void; finish(): void } {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  let finished = false;
  return {
    update(done, total) {
      if (!tty || finished) return;
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === last && done !== total) return;
      last = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}`);
      if (done === total) this.finish();
    },
    finish() {
      if (tty && !finished && last >= 0) process.stderr.write('\n');
      finished = true;
    },
  };
}

function printLogins(result: SeedResult, url?: string): void {
  const lines = [
    result.alreadySeeded
      ? 'Demo workspace already seeded; nothing added.'
      : `Demo workspace seeded: ${result.created.customers} customers, ${result.created.cases} cases, ${result.created.messages} messages.`,
    '',
    `Demo logins (password for all: ${result.password}):`,
    ...result.agents.map((agent) => `  ${agent.role.padEnd(10)} ${agent.email.padEnd(28)} ${agent.name}`),
    '',
    `Web chat channel "${result.webchat.channelId}" secret (userHash = hex HMAC-SHA256(userId, secret)):`,
    `  ${result.webchat.secret ?? '(none)'}`,
  ];
  if (url) lines.push('', `Open ${url}/ (API reference at ${url}/api/v1/docs)`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function seed(config: Config): Promise<void> {
  const { store } = await openStore(config);
  try {
    const auth = createAuth({ jwtSecret: await resolveJwtSecret(config) });
    const bar = progressBar('Seeding demo data');
    const result = await seedDemo({ store, auth, workspaceId: config.workspaceId, onProgress: bar.update });
    bar.finish();
    printLogins(result);
  } finally {
    await store.close();
  }
}

/** Asks a running demo to send `count` customer messages through its providers' real paths. */
async function simulate(url: string, count: number): Promise<void> {
  const bar = progressBar('Simulating customers');
  let sent = 0;
  const byChannel: Record<string, number> = {};
  // In batches, so the bar moves and each batch is one request.
  while (sent < count) {
    const batch = Math.min(10, count - sent);
    const res = await fetch(`${url.replace(/\/+$/, '')}/demo/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: batch }) });
    if (res.status === 404) throw new Error(`${url} is not a casekit demo; start one with "casekit start --demo".`);
    if (!res.ok) throw new Error(`the demo answered ${res.status}: ${await res.text()}`);
    const result = (await res.json()) as { byChannel: Record<string, number> };
    for (const [kind, n] of Object.entries(result.byChannel)) byChannel[kind] = (byChannel[kind] ?? 0) + n;
    sent += batch;
    bar.update(sent, count);
  }
  bar.finish();
  process.stderr.write(`Sent ${sent} messages: ${Object.entries(byChannel).map(([kind, n]) => `${n} ${kind}`).join(', ')}. They are in the inbox now.\n`);
}

async function start(config: Config, demo: boolean): Promise<void> {
  const bar = progressBar('Seeding demo data');
  const server = await startServer({ ...config, ...(demo && config.smtpPort === undefined && { smtpPort: 2525 }), demo, onSeedProgress: bar.update });
  if (server.seed) {
    bar.finish();
    printLogins(server.seed, server.url);
    if (server.smtpPort !== null) {
      process.stderr.write(`\nMail for support@fibrelink.example is taken over SMTP on 127.0.0.1:${server.smtpPort}; SMS and WhatsApp go through a Twilio fake.\nSend customers' messages in with: casekit simulate --count 10 --url ${server.url}\n`);
    }
    if (server.splynxUrl) {
      process.stderr.write(`Billing comes from a fake Splynx at ${server.splynxUrl}: open a case to see the customer's services and invoices.\n`);
    }
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nReceived ${signal}; shutting down…\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${errorText(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Creates the DynamoDB table casekit's DynamoDB store uses, or checks the existing one. */
async function dynamoCreateTable(config: Config): Promise<void> {
  const { tableName, endpoint } = config.dynamodb;
  const [{ DynamoDBClient }, { createDynamoTable }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@casekit/store-dynamodb')]);
  const client = dynamoClient(DynamoDBClient, endpoint);
  const started = Date.now();
  process.stderr.write(`Creating DynamoDB table ${tableName}${endpoint ? ` at ${endpoint}` : ''}…\n`);
  try {
    await createDynamoTable({ client, tableName });
  } catch (error) {
    process.stderr.write(`casekit dynamodb create-table: ${errorText(error)}\n`);
    process.exit(1);
  } finally {
    client.destroy();
  }
  process.stderr.write(`Table ${tableName} is active (${((Date.now() - started) / 1000).toFixed(1)} s).\n`);
}

/** Opens the data directory's store and the engine over it, for commands that run beside (or without) the server. */
async function openData(config: Config): Promise<{ store: Store; engine: CaseEngine }> {
  const { store } = await openStore(config);
  return { store, engine: createCaseEngine({ store }) };
}

const RUN_LINE = (run: SyncRun) =>
  `${run.startedAt.slice(0, 19).replace('T', ' ')}  ${run.kind.padEnd(11)} ${run.status.padEnd(11)} ${String(run.done).padStart(6)}/${String(run.total ?? '?').padEnd(6)} ` +
  `+${run.counts.created} ~${run.counts.updated} =${run.counts.unchanged} !${run.counts.failed}  ${run.requests} requests${run.error ? `  ${run.error}` : ''}`;

/** Runs a pull now with a progress bar; prints what it did and the log lines of its failures. */
async function splynxSync(config: Config, splynx: SplynxConfig, full: boolean): Promise<SyncRun> {
  const { store, engine } = await openData(config);
  const sync = createSplynxSync({ engine, store, workspaceId: config.workspaceId, baseUrl: splynx.url, auth: { kind: 'token', key: splynx.apiKey, secret: splynx.apiSecret } });
  try {
    let bar = progressBar('Splynx');
    let phase = '';
    const run = await sync.run({
      full,
      onProgress: (r) => {
        if (r.phase !== phase) {
          bar.finish();
          phase = r.phase;
          bar = progressBar(`Splynx ${r.kind} ${phase}`.padEnd(28));
        }
        if (r.total !== null && r.status === 'running') bar.update(r.done, r.total);
      },
    });
    bar.finish();
    const seconds = ((Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1);
    process.stderr.write(
      `${run.status === 'succeeded' ? 'Synced' : 'Stopped'} in ${seconds} s: ${run.counts.created} new, ${run.counts.updated} changed, ${run.counts.unchanged} unchanged, ` +
        `${run.counts.failed} failed, ${run.requests} requests to Splynx.\n`,
    );
    if (run.error) process.stderr.write(`Error: ${run.error}\n`);
    if (run.counts.failed > 0 || run.error) {
      const log = await listSyncLog(store, config.workspaceId, { limit: 10, runId: run.id });
      for (const entry of log.items) process.stderr.write(`  ${entry.level} ${entry.entity} ${entry.externalId ?? ''} ${entry.code}: ${entry.message}\n`);
      process.stderr.write('Run "casekit splynx status" for more; a run cut short resumes where it stopped.\n');
    }
    return run;
  } finally {
    await sync.close();
    await store.close();
  }
}

/** Prints the last runs, the linked customers and the latest log lines, from the data directory. */
async function splynxStatus(config: Config): Promise<void> {
  const { store } = await openData(config);
  try {
    const runs = (await store.listRecords(config.workspaceId, 'sync-runs', { reverse: true, limit: 5 })).map((r) => r.value as SyncRun);
    const lines = [
      config.splynx ? `Splynx: ${config.splynx.url} (hooks ${config.splynx.hookSecret ? 'on' : 'off'})` : 'Splynx: not configured (CASEKIT_SPLYNX_URL)',
      `Linked customers: ${await store.countRecords(config.workspaceId, BILLING_ACCOUNTS)}`,
      '',
      runs.length > 0 ? 'Last runs (+new ~changed =unchanged !failed):' : 'No sync has run yet.',
      ...runs.map((run) => `  ${RUN_LINE(run)}`),
    ];
    const log = await listSyncLog(store, config.workspaceId, { limit: 10 });
    if (log.items.length > 0) lines.push('', 'Latest log lines:', ...log.items.map((e) => `  ${e.at.slice(0, 19).replace('T', ' ')} ${e.level} ${e.entity} ${e.externalId ?? '-'} ${e.code}: ${e.message}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  // On Node 20 the SQLite store would end the process with a segmentation fault: say why instead.
  try {
    assertSupportedNode();
  } catch (error) {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { demo: { type: 'boolean', default: false }, full: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' }, count: { type: 'string', default: '6' }, url: { type: 'string' }, ...SPLYNX_FAKE_OPTIONS },
    });
  } catch (error) {
    process.stderr.write(`${errorText(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  const command = parsed.positionals[0] ?? 'help';
  if (parsed.values.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'splynx' && parsed.positionals[1] === 'fake') return runSplynxFake(parsed.values);
  if (command === 'splynx' && !['sync', 'status'].includes(parsed.positionals[1] ?? '')) {
    process.stderr.write('casekit splynx: the subcommands are "sync [--full]", "status" and "fake"; run "casekit help".\n');
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (command === 'start') return start(config, parsed.values.demo === true);
  if (command === 'dynamodb') {
    if (parsed.positionals[1] !== 'create-table') {
      process.stderr.write('casekit dynamodb: the only subcommand is "create-table".\n');
      process.exit(2);
    }
    return dynamoCreateTable(config);
  }
  if (command === 'splynx') {
    if (parsed.positionals[1] === 'status') return splynxStatus(config);
    if (!config.splynx) {
      process.stderr.write('casekit splynx sync: set CASEKIT_SPLYNX_URL, CASEKIT_SPLYNX_API_KEY and CASEKIT_SPLYNX_API_SECRET first.\n');
      process.exit(2);
    }
    const run = await splynxSync(config, config.splynx, parsed.values.full === true);
    if (run.status !== 'succeeded') process.exit(1);
    return;
  }
  if (command === 'simulate') {
    const count = Number(parsed.values.count);
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      process.stderr.write('casekit simulate: --count must be a whole number from 1 to 1000.\n');
      process.exit(2);
    }
    return simulate(parsed.values.url ?? `http://127.0.0.1:${config.port}`, count);
  }
  if (command === 'seed') {
    if (!parsed.values.demo) {
      process.stderr.write('casekit seed: only the demo data set exists; run "casekit seed --demo".\n');
      process.exit(2);
    }
    return seed(config);
  }
  process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
  process.exit(2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`casekit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
