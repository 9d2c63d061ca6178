/**
 * Email: 50 KB MIME messages with an attachment, parsed (quotes folded, HTML sanitized) and
 * ingested with the attachment kept, against the web-chat ingest of the same text in the same
 * run. In process, over a SQLite file and an upload folder on disk.
 *   pnpm --filter @casekit/bench email [--messages 2000 --concurrency 16]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannelKinds, createWebhookRunner } from '@casekit/api';
import { emailAdapter, parseMime } from '@casekit/channels/email';
import { createCaseEngine } from '@casekit/core';
import { createFileBlobStore, provisionChannel } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { buildMime } from '@casekit/testkit/providers';
import { benchOptions, inFlight, percentile, progress, saveResult, table } from './lib.ts';

const values = benchOptions({ messages: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' } });
const TOTAL = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const SENDERS = 200;

const body = (i: number) => `Hello,\n\nmy router keeps rebooting every evening (message ${i}). The log is attached.\n\nThanks,\nDana\n\nOn Mon, 1 Dec 2026 at 09:00, FibreLink Support <support@fibrelink.example> wrote:\n> Please send us the router's log.\n> Kind regards\n`;
const attachment = randomBytes(36 * 1024);
const mime = (i: number) =>
  Buffer.from(
    buildMime({
      from: { email: `customer${i % SENDERS}@example.com`, name: `Customer ${i % SENDERS}` },
      to: ['support@fibrelink.example'],
      subject: `Router log ${i}`,
      text: body(i),
      html: `<p>${body(i).replaceAll('\n', '<br>')}</p><script>alert(1)</script>`,
      messageId: `<bench-${i}@mail.example.com>`,
      attachments: [{ name: 'router.log', contentType: 'application/octet-stream', content: attachment }],
    }),
    'latin1',
  );
const size = mime(0).byteLength;

const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-email-'));
const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
const engine = createCaseEngine({ store });
await engine.ensureWorkspace({ id: 'bench' });
await provisionChannel(engine, 'bench', { id: 'webchat', kind: 'webchat', name: 'Web chat' });
await provisionChannel(engine, 'bench', { id: 'mail', kind: 'email', name: 'Mail', config: { address: 'support@fibrelink.example', inbound: 'smtp', smtp: { host: '127.0.0.1', port: 25, secure: false } } }, [emailAdapter]);
const runner = createWebhookRunner({
  store,
  engine,
  workspaceId: 'bench',
  kinds: createChannelKinds([emailAdapter], 'http://127.0.0.1'),
  publicUrl: 'http://127.0.0.1',
  blobStore: createFileBlobStore(join(dir, 'uploads')),
  uploadUrl: (id) => `/api/v1/uploads/${id}`,
});
const channel = (await store.getChannel('bench', 'mail'))!;

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<{ perSecond: number; latencyMs: number[] }> {
  await inFlight(200, CONCURRENCY, run, 10_000_000);
  const latencyMs: number[] = [];
  const show = progress(label.padEnd(22), TOTAL);
  let done = 0;
  const started = performance.now();
  await inFlight(TOTAL, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    await run(i);
    latencyMs.push(performance.now() - t0);
    show(++done);
  });
  return { perSecond: TOTAL / ((performance.now() - started) / 1000), latencyMs: latencyMs.sort((a, b) => a - b) };
}

const webchat = await measure('web chat ingest', (i) =>
  engine.ingest({ workspaceId: 'bench', channelId: 'webchat', from: { externalId: `visitor-${i % SENDERS}` }, clientMessageId: `c-${i}`, text: body(i) }),
);
const parseOnly = await measure('parse only', (i) => parseMime(mime(i), { address: 'support@fibrelink.example' }));
const full = await measure('parse + ingest + file', async (i) => runner.receive(channel, [await parseMime(mime(i), { address: 'support@fibrelink.example' })]));
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`\nEmail: ${TOTAL.toLocaleString('en')} MIME messages of ${(size / 1024).toFixed(1)} KB with a 36 KB attachment, ${CONCURRENCY} in flight`);
const row = (name: string, r: { perSecond: number; latencyMs: number[] }) => ({ path: name, 'msg/s': Math.round(r.perSecond), 'vs web chat': r.perSecond / webchat.perSecond, p50_ms: percentile(r.latencyMs, 50), p99_ms: percentile(r.latencyMs, 99) });
console.log(table([row('web-chat ingest, same text (baseline)', webchat), row('parse MIME only', parseOnly), row('parse + ingest + keep the file', full)]));
console.log(`\nemail: ${Math.round(full.perSecond)} msg/s, ${(full.perSecond / webchat.perSecond).toFixed(2)} of web-chat ingest`);
saveResult('email', { total: TOTAL, bytes: size, webchat: webchat.perSecond, parse: parseOnly.perSecond, full: full.perSecond });
