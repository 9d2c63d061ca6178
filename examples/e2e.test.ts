/**
 * The two example pages end to end: real Chromium, the real reference backend on loopback with
 * demo data, the bundles a portal owner would ship (examples/dist, built beforehand).
 * A customer chats on the support site; an agent signed in on the CRM page sees it arrive live,
 * replies from the workbench, and the customer gets the reply.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { newPage, replyFromCrm, sendFromChat, signInCrm, startChat, startExamples, takeProblems, type Examples } from './harness.ts';

const LIVE_MS = 10_000;

/** Waits until a visible element under `scope` contains `text`; returns the first one. */
async function visibleWithText(scope: Locator, text: string): Promise<Locator> {
  const match = scope.filter({ hasText: text }).first();
  await match.waitFor({ state: 'visible', timeout: LIVE_MS });
  return match;
}

/** Marks the window so a later check can tell the page was never reloaded or navigated. */
async function markWindow(page: Page): Promise<string> {
  const mark = randomUUID();
  await page.evaluate((m) => ((window as unknown as { __e2eMark: string }).__e2eMark = m), mark);
  return mark;
}

async function windowMark(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: string }).__e2eMark);
}

/** `<img src=x>` and `<script>…__pwned…` elements anywhere in the page, shadow roots included. */
async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img');
        if (el.tagName === 'SCRIPT' && el.textContent?.includes('__pwned')) found.push('script');
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return found;
  });
}

describe('example pages against the reference backend', { timeout: 120_000 }, () => {
  let ex: Examples;

  before(async () => {
    ex = await startExamples();
  });

  after(async () => {
    await ex?.close();
  });

  afterEach(() => {
    assert.deepEqual(takeProblems(), [], 'no console error, uncaught exception, dialog or failed request on the pages');
  });

  test('/ is the start page: it links the example pages and says how to sign in to the demo; every page loads its favicon and logs no error', async () => {
    const page = await newPage(ex);
    const icons: string[] = [];
    page.on('response', (r) => void (new URL(r.url()).pathname.startsWith('/favicon') && icons.push(`${r.status()} ${new URL(r.url()).pathname}`)));
    await page.goto(ex.url('/'));
    assert.equal(await page.title(), 'casekit examples');
    const agent = ex.agent('agent');
    const signIn = page.locator('section.server');
    const hints = await signIn.innerText();
    assert.ok(hints.includes(agent.email) && hints.includes(agent.password), `sign-in hints: ${hints}`);
    await page.locator('a.card[href="crm/"]').click();
    await page.waitForURL(ex.url('/examples/crm/'));
    await page.locator('casekit-workbench #wb-email').waitFor();

    for (const path of ['/examples/', '/examples/crm/?mock', '/examples/support-site/']) {
      await page.goto(ex.url(path));
      await page.waitForLoadState('networkidle');
    }
    assert.ok(icons.length >= 1 && icons.every((i) => i.startsWith('200 ')), `favicons: ${icons.join(', ')}`);

    // "Sign in as Dana" explains in the page what it needs, then signs her in from the start page's link.
    await page.locator('#signin').click();
    await visibleWithText(page.locator('#demo-note[role=status]'), 'web chat secret');
    await page.goto(ex.url('/'));
    await page.locator('section.server a[href^="support-site/?secret="]').click();
    await page.waitForFunction(() => customElements.get('casekit-chat'), undefined, { timeout: 10_000 });
    await page.locator('#signin').click();
    await visibleWithText(page.locator('#demo-note'), 'Signed in as Dana Whitfield');
    await page.locator('casekit-chat textarea').waitFor({ timeout: LIVE_MS });
    await page.context().close();
  });

  test('the CRM in Spanish signs in in Spanish, and says a wrong password in Spanish', async () => {
    const crm = await newPage(ex);
    await crm.goto(ex.url('/examples/crm/?lang=es'));
    const workbench = crm.locator('casekit-workbench');
    assert.equal(await workbench.locator('label[for=wb-email]').innerText(), 'Correo electrónico');
    assert.equal(await workbench.locator('label[for=wb-password]').innerText(), 'Contraseña');
    await workbench.locator('#wb-email').fill(ex.agent('agent').email);
    await workbench.locator('#wb-password').fill('not the password');
    await workbench.locator('button[type=submit]').click();
    await visibleWithText(workbench.locator('.signin [role=alert]'), 'Correo electrónico o contraseña incorrectos.');
    // The refused sign-in is the one failed request, as expected.
    assert.deepEqual(
      takeProblems().filter((p) => !p.includes('401')),
      [],
    );
    await workbench.locator('#wb-password').fill(ex.agent('agent').password);
    await workbench.locator('button[type=submit]').click();
    await visibleWithText(workbench.locator('casekit-inbox .summary'), 'casos');
    await crm.context().close();
  });

  test('a customer chat reaches the agent inbox live; the agent replies from the CRM; the customer sees the reply', async () => {
    const agent = ex.agent('agent');
    const crm = await newPage(ex, { viewport: { width: 1400, height: 860 } });
    const workbench = await signInCrm(crm, ex, agent);
    const mark = await markWindow(crm);
    const tag = randomUUID().slice(0, 8);
    const question = `My fibre light is blinking red since this morning (ref ${tag})`;
    assert.equal(await workbench.locator('casekit-inbox [role=option]').filter({ hasText: tag }).count(), 0, 'no such case before the customer writes');

    const site = await newPage(ex);
    const chat = await startChat(site, ex, { name: 'Eve Example', email: `eve.${tag}@example.com` });
    await sendFromChat(chat, question);

    // The agent's inbox shows the new conversation on its own: no reload, no navigation.
    const row = await visibleWithText(workbench.locator('casekit-inbox [role=option]'), tag);
    assert.equal(await windowMark(crm), mark, 'the CRM page was not reloaded');
    // The new case is unread (as is every case this agent never opened) until the agent opens it.
    assert.equal(await row.getAttribute('part'), 'row row-unread');
    await row.click();
    await workbench.locator('casekit-inbox [role=option][aria-selected=true]:not([part~=row-unread])').filter({ hasText: tag }).waitFor();
    const asked = await visibleWithText(workbench.locator('casekit-timeline article.inbound'), tag);
    assert.match(await asked.innerText(), /Eve Example/);

    const answer = `Hi Eve, an engineer is checking your line now (ref ${tag}).`;
    await replyFromCrm(workbench, answer);
    await visibleWithText(workbench.locator('casekit-timeline article.outbound'), answer);

    // The customer sees the reply in the open chat, as the agent's message.
    const reply = await visibleWithText(chat.locator('.message.agent'), answer);
    assert.match(await reply.locator('.author').innerText(), new RegExp(agent.name));
    await crm.context().close();
    await site.context().close();
  });

  test("the CRM page's ?mock mode signs in and shows the demo desk, every API call answered in the page by @casekit/mocks", async () => {
    const crm = await newPage(ex, { viewport: { width: 1400, height: 860 } });
    const answered: { path: string; inPage: boolean }[] = [];
    crm.on('response', (res) => {
      const { pathname } = new URL(res.url());
      if (pathname.startsWith('/api/v1/')) answered.push({ path: pathname, inPage: res.fromServiceWorker() });
    });
    await crm.goto(ex.url('/examples/crm/?mock'));
    await visibleWithText(crm.locator('#mode'), 'Mock backend · signed in as ada@northwind.example');
    const workbench = crm.locator('casekit-workbench');
    const row = await visibleWithText(workbench.locator('casekit-inbox [role=option]'), 'static IP on Fiber 1000');
    await row.click();
    await visibleWithText(workbench.locator('casekit-timeline article.inbound'), 'Invoice 2024-118 was charged twice');
    await visibleWithText(workbench.locator('casekit-case'), 'Tom Becker');
    assert.ok(answered.some((a) => a.path === '/api/v1/auth/login'), 'the page signed in');
    assert.deepEqual(answered.filter((a) => !a.inPage), [], 'no API call reached the server');
    await crm.context().close();
  });

  test('markup in a visitor name and in messages shows as text on both sides and never runs', async () => {
    const img = '<img src=x onerror=window.__pwned=1>';
    const script = '<script>window.__pwned=2</script>';
    const tag = randomUUID().slice(0, 8);
    const name = `Mallory ${img}${script}`;
    const question = `Hello ${img} and ${script} (ref ${tag})`;
    const answer = `We never run ${img} or ${script} (ref ${tag})`;

    const crm = await newPage(ex, { viewport: { width: 1400, height: 860 } });
    const workbench = await signInCrm(crm, ex, ex.agent('agent'));
    const site = await newPage(ex);
    const chat = await startChat(site, ex, { name, email: `mallory.${tag}@example.com` });
    await sendFromChat(chat, question);

    const row = await visibleWithText(workbench.locator('casekit-inbox [role=option]'), tag);
    await row.click();
    const inbound = await visibleWithText(workbench.locator('casekit-timeline article.inbound'), tag);
    assert.equal(await inbound.locator('strong').innerText(), name, 'the visitor name is shown literally');
    assert.equal(await inbound.locator('.bubble').innerText(), question, 'the message is shown literally');
    await visibleWithText(workbench.locator('casekit-case'), name);

    await replyFromCrm(workbench, answer);
    const own = await visibleWithText(chat.locator('.message.own .bubble'), tag);
    assert.equal((await own.innerText()).replace(/^You:\s*/, ''), question);
    const reply = await visibleWithText(chat.locator('.message.agent .bubble'), tag);
    assert.match(await reply.innerText(), new RegExp(`${answer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

    for (const page of [site, crm]) {
      // Give a broken image's onerror time to fire had it been parsed as markup.
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, `script ran on ${page.url()}`);
      assert.deepEqual(await injectedElements(page), [], `markup became elements on ${page.url()}`);
    }
    await crm.context().close();
    await site.context().close();
  });

  test('with nobody online the support site takes a message and an email; the message reaches the case and the email the profile', async () => {
    const { store, engine, workspaceId } = ex.server;
    for (const agent of await store.listAgents(workspaceId)) await engine.setPresence({ workspaceId, system: 'test' }, agent.id, 'offline');
    const tag = randomUUID().slice(0, 8);
    const email = `nora.${tag}@example.com`;
    const site = await newPage(ex);
    await site.goto(ex.url('/examples/support-site/'));
    await site.waitForFunction(() => customElements.get('casekit-chat'), undefined, { timeout: 10_000 });
    await site.locator('#open-chat').click();
    const chat = site.locator('casekit-chat');
    await chat.locator('[part=leave-message]').waitFor({ timeout: LIVE_MS });
    await chat.locator('#leave-name').fill('Nora Night');
    await chat.locator('#leave-email').fill(email);
    await chat.locator('#leave-message').fill(`The line drops every night (ref ${tag})`);
    await chat.locator('[part=leave-message] button[type=submit]').click();
    await visibleWithText(chat.locator('[part=queue]'), `We will reply by email to ${email}`);

    const [kase] = (await store.listCases(workspaceId, { q: tag, limit: 5 })).items;
    assert.match(kase?.preview ?? '', new RegExp(tag));
    const customer = await store.getCustomer(workspaceId, kase!.customerId);
    assert.equal(customer?.name, 'Nora Night');
    assert.equal(customer?.attributes['contactEmail'], email);
    await site.context().close();
  });

  test('a customer sends a photo from the chat, the agent sees it in the timeline and answers with a PDF the customer can open', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const tag = randomUUID().slice(0, 8);
    const crm = await newPage(ex, { viewport: { width: 1400, height: 860 } });
    const workbench = await signInCrm(crm, ex, ex.agent('agent'));
    const site = await newPage(ex);
    const chat = await startChat(site, ex, { name: 'Pia Photo', email: `pia.${tag}@example.com` });
    await chat.locator('input[type=file]').setInputFiles({ name: `lights-${tag}.png`, mimeType: 'image/png', buffer: png });
    await chat.locator('[part=attachment-chip]').filter({ hasText: `lights-${tag}.png` }).waitFor();
    await chat.locator('[part=send-button]:not([disabled])').waitFor();
    await sendFromChat(chat, `Router lights (ref ${tag})`);
    assert.equal(await chat.locator('.message.own img').getAttribute('alt'), `lights-${tag}.png`);

    const row = await visibleWithText(workbench.locator('casekit-inbox [role=option]'), tag);
    await row.click();
    const photo = workbench.locator('casekit-timeline article.inbound img');
    await photo.waitFor({ timeout: LIVE_MS });
    assert.equal(await photo.getAttribute('alt'), `lights-${tag}.png`);
    assert.equal(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth), 1, 'the thumbnail loads from the server');

    const composer = workbench.locator('casekit-composer');
    await composer.locator('input[type=file]').setInputFiles({ name: `steps-${tag}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') });
    await composer.locator('[part=attachment-chip]').filter({ hasText: `steps-${tag}.pdf` }).waitFor();
    await replyFromCrm(workbench, `Please follow these steps (ref ${tag})`);

    const link = chat.locator('.message.agent a.file').filter({ hasText: `steps-${tag}.pdf` });
    await link.waitFor({ timeout: LIVE_MS });
    const download = await fetch(new URL((await link.getAttribute('href'))!, ex.server.url));
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
    await crm.context().close();
    await site.context().close();
  });
});
