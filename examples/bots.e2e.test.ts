/**
 * A bot conversation handed to a person, end to end in Chromium against the reference backend:
 * an admin sets up the built-in rules bot on the web chat; a customer on the support site is
 * greeted, gets an answer, gives their email and types "agent"; an agent on the CRM page sees the
 * handoff with the collected email, replies, and the customer reads the reply.
 * Needs the built bundles in examples/dist (`pnpm --filter @casekit/widgets run build`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { newPage, replyFromCrm, sendFromChat, signInCrm, startChat, startExamples, takeProblems, type Examples } from './harness.ts';

const LIVE_MS = 10_000;

const RULES = {
  greeting: 'Hi! I am the FibreLink assistant.',
  faq: [{ keywords: ['opening hours', 'hours'], answer: 'Our help desk answers 8:00–20:00, Monday to Saturday.' }],
  fields: [
    { name: 'email', prompt: 'What is the email on your account?', kind: 'email' },
    { name: 'account', prompt: 'And your account number?', pattern: '\\d{4,8}' },
  ],
  offerHuman: 'I cannot fix that myself; a person from our team will.',
};

async function visible(scope: Locator, text: string): Promise<Locator> {
  const match = scope.filter({ hasText: text }).first();
  await match.waitFor({ state: 'visible', timeout: LIVE_MS });
  return match;
}

describe('a bot conversation handed to a person', { timeout: 120_000 }, () => {
  let ex: Examples;

  before(async () => {
    ex = await startExamples();
    const admin = ex.agent('admin');
    const login = await fetch(ex.url('/api/v1/auth/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(ex.url('/api/v1/bots'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'FibreLink assistant', channelIds: ['webchat'], rules: RULES }),
    });
    assert.equal(created.status, 201, await created.clone().text());
  });
  after(async () => ex?.close());
  afterEach(() => assert.deepEqual(takeProblems(), [], 'no console error, uncaught exception, dialog or failed request on the pages'));

  test('the rules bot greets, answers, collects the email and hands off on "agent"; the agent sees the fields and answers; the customer reads it', async () => {
    const crm = await newPage(ex, { viewport: { width: 1400, height: 860 } });
    const workbench = await signInCrm(crm, ex, ex.agent('agent'));
    const tag = randomUUID().slice(0, 8);
    const email = `eve.${tag}@example.com`;

    const site = await newPage(ex);
    const chat = await startChat(site, ex, { name: 'Eve Example', email });
    await sendFromChat(chat, `Hello there (ref ${tag})`);
    const greeting = await visible(chat.locator('[part~=message-bot]'), RULES.greeting);
    assert.match(await greeting.locator('.author').innerText(), /FibreLink assistant\s*· Automated assistant/);

    await sendFromChat(chat, 'What are your opening hours?');
    await visible(chat.locator('[part~=message-bot]'), RULES.faq[0]!.answer);
    await sendFromChat(chat, 'My fibre light blinks red');
    await visible(chat.locator('[part~=message-bot]'), RULES.offerHuman);
    await visible(chat.locator('[part~=message-bot]'), RULES.fields[0]!.prompt);
    await sendFromChat(chat, `Sure, it is ${email}`);
    await visible(chat.locator('[part~=message-bot]'), RULES.fields[1]!.prompt);
    await sendFromChat(chat, 'Actually, can I talk to an agent?');
    await visible(chat.locator('[part=notice]'), 'Connecting you to a person…');
    await visible(chat.locator('[part=queue][role=status]'), 'Connecting you to a person…');

    // The agent finds the case in the inbox, with the bot's handoff: its reason and the email it collected.
    const row = await visible(workbench.locator('casekit-inbox [role=option]'), tag);
    await row.click();
    const handoff = await visible(workbench.locator('casekit-timeline [part~=handoff]'), 'The customer asked for a person.');
    const fields = handoff.locator('[part=handoff-fields]');
    assert.equal(await fields.getAttribute('aria-label'), 'Collected by the bot');
    assert.deepEqual(await fields.locator('dt, dd').allInnerTexts(), ['email', email]);

    const answer = `Hi Eve, Sam here: an engineer is checking your line now (ref ${tag}).`;
    await replyFromCrm(workbench, answer);
    const reply = await visible(chat.locator('[part~=message-agent]'), answer);
    assert.doesNotMatch(await reply.innerText(), /Automated assistant/, "the person's reply is not marked as the bot's");
    // A person wrote: the chat no longer says one is coming.
    await chat.locator('[part=queue]').filter({ hasText: 'Connecting you to a person' }).waitFor({ state: 'detached', timeout: LIVE_MS });
    await crm.context().close();
    await site.context().close();
  });
});
