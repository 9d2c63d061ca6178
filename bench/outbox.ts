/**
 * Outbox: replies delivered per second through the worker and the Twilio adapter to the Twilio
 * fake on loopback, against the same number of bare POSTs to the fake with as many in flight.
 *   pnpm --filter @casekit/bench outbox [--messages 3000 --batch 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { twilioSms } from '@casekit/channels/twilio';
import { createCaseEngine, createOutboxWorker, type AgentActor } from '@casekit/core';
import { provisionAgent, provisionChannel, createAuth } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { startTwilioFake } from '@casekit/testkit/providers';
import { benchOptions, inFlight, progress, saveResult, table } from './lib.ts';

const values = benchOptions({ messages: { type: 'string', default: '3000' }, batch: { type: 'string', default: '20' } });
const TOTAL = Number(values.messages);
const BATCH = Number(values.batch);

const twilio = await startTwilioFake();
const dir = mkdtempSync(join(tmpdir(), 'casekit-bench-outbox-'));
const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });
const engine = createCaseEngine({ store });
await engine.ensureWorkspace({ id: 'bench' });
await provisionChannel(engine, 'bench', { id: 'sms', kind: 'twilio-sms', name: 'SMS', config: { accountSid: twilio.accountSid, from: '+14155550100', apiBaseUrl: twilio.url }, secrets: { authToken: twilio.authToken } }, [twilioSms]);
const auth = createAuth({ jwtSecret: 'bench-secret-that-is-long-enough-0123456789' });
const agent = await provisionAgent(engine, auth, 'bench', { email: 'ann@example.com', name: 'Ann', password: 'bench password 1', role: 'agent' });
const ann: AgentActor = { workspaceId: 'bench', agent };

// Baseline: the provider round trip alone, as many in flight as the worker sends at once.
const form = (i: number) => new URLSearchParams({ To: `+1415555${String(1000 + (i % 500)).padStart(4, '0')}`, From: '+14155550100', Body: `Reply ${i}` }).toString();
const basic = `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`;
const post = async (i: number) => {
  const res = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: form(i) });
  await res.arrayBuffer();
};
await inFlight(500, BATCH, post, -500);
let started = performance.now();
await inFlight(TOTAL, BATCH, post);
const bare = TOTAL / ((performance.now() - started) / 1000);

// casekit: a reply for each of 500 customers' cases, queued, then the worker drains the outbox.
const cases: string[] = [];
for (let i = 0; i < 500; i++) {
  const phone = `+1415556${String(1000 + i).padStart(4, '0')}`;
  cases.push((await engine.ingest({ workspaceId: 'bench', channelId: 'sms', providerMessageId: `SM-in-${i}`, from: { externalId: phone, phone }, text: 'Hello' })).case.id);
}
for (let i = 0; i < TOTAL; i++) await engine.reply(ann, { caseId: cases[i % cases.length]!, text: `Reply ${i}` });
const sentBefore = twilio.sent.length;
const worker = createOutboxWorker({
  store,
  engine,
  adapters: { 'twilio-sms': twilioSms },
  batchSize: BATCH,
  runtime: (channel) => ({ channel, webhookUrl: `http://127.0.0.1/webhooks/${channel.id}`, publicUrl: 'http://127.0.0.1', fetch, now: () => new Date() }),
});
const show = progress('outbox        ', TOTAL);
started = performance.now();
for (;;) {
  const handled = await worker.runOnce();
  show(twilio.sent.length - sentBefore);
  if (handled === 0) break;
}
const seconds = (performance.now() - started) / 1000;
const delivered = twilio.sent.length - sentBefore;
const casekit = delivered / seconds;
await store.close();
await twilio.close();
rmSync(dir, { recursive: true, force: true });

console.log(`\nOutbox: ${TOTAL.toLocaleString('en')} SMS replies, ${BATCH} per claim, to the Twilio fake on loopback`);
console.log(table([
  { path: 'bare POSTs to the fake (baseline)', 'msg/s': Math.round(bare) },
  { path: 'casekit outbox → Twilio adapter', 'msg/s': Math.round(casekit) },
]));
console.log(`\ncasekit: ${Math.round(casekit)} deliveries/s, ${(casekit / bare).toFixed(2)} of bare; ${delivered} of ${TOTAL} delivered`);
saveResult('outbox', { total: TOTAL, batch: BATCH, bare, casekit, delivered });
