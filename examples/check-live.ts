/**
 * End-to-end check of the example pages against the real reference backend, in real Chromium:
 * the support site's chat (loader → pre-chat → send → agent reply arrives over the socket) and
 * the CRM's workbench (sign in → inbox → case timeline). Prints each step; exits 1 on failure.
 *
 * Run: pnpm --filter @casekit/widgets build && node --conditions=casekit-source examples/check-live.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/src/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// playwright-core is a devDependency of @casekit/widgets.
const { chromium } = createRequire(join(root, 'packages/widgets/package.json'))('playwright-core') as typeof import('playwright-core');

const dataDir = await mkdtemp(join(tmpdir(), 'casekit-examples-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, logLevel: 'error' });
const browser = await chromium.launch({ executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
let failed = false;
const step = async (name: string, fn: () => Promise<string | void>) => {
  const started = performance.now();
  try {
    const note = await fn();
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)${note ? `: ${note}` : ''}`);
  } catch (err) {
    failed = true;
    console.log(`FAIL ${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
};

try {
  const base = server.url;
  const agent = server.seed!.agents.find((a) => a.role === 'admin')!;
  const site = await browser.newPage();
  await step('support site: loader draws the launcher, the full chat loads', async () => {
    await site.goto(`${base}/examples/support-site/`);
    await site.waitForFunction(() => customElements.get('casekit-chat'), undefined, { timeout: 10_000 });
  });
  await step('support site: pre-chat form, then the message is delivered', async () => {
    await site.evaluate(() => (document.querySelector('casekit-chat') as HTMLElement & { open(): void }).open());
    await site.locator('casekit-chat #prechat-name').fill('Eve Example');
    await site.locator('casekit-chat #prechat-email').fill('eve@example.com');
    await site.locator('casekit-chat button[type=submit]').click();
    await site.locator('casekit-chat textarea').fill('My fibre light is blinking red');
    await site.keyboard.press('Enter');
    await site.waitForFunction(() => {
      const el = document.querySelector('casekit-chat') as unknown as { items: { text: string; status: string }[] };
      return el.items.some((m) => m.text.includes('blinking') && m.status !== 'pending');
    });
  });
  await step('agent reply reaches the visitor live (socket.io) and fires casekit-message-received', async () => {
    const login = await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: agent.email, password: server.seed!.password }) })).json() as { token: string };
    const headers = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const cases = await (await fetch(`${base}/api/v1/cases?q=blinking`, { headers })).json() as { items: { id: string; number: number }[] };
    const received = site.evaluate(() => new Promise<string>((r) => document.addEventListener('casekit-message-received', (e) => r((e as Event & { message: { text: string } }).message.text), { once: true })));
    await fetch(`${base}/api/v1/cases/${cases.items[0]!.id}/messages`, { method: 'POST', headers, body: JSON.stringify({ text: 'Hi Eve, an engineer is checking your line.' }) });
    const text = await Promise.race([received, new Promise<string>((_, j) => setTimeout(() => j(new Error('no reply within 8 s')), 8000))]);
    return `case #${cases.items[0]!.number}, "${text}"`;
  });
  const crm = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await step('CRM: sign in, inbox lists cases, a case opens with its timeline', async () => {
    await crm.goto(`${base}/examples/crm/`);
    await crm.locator('casekit-workbench #wb-email').fill(agent.email);
    await crm.locator('casekit-workbench #wb-password').fill(server.seed!.password);
    await crm.locator('casekit-workbench button[type=submit]').click();
    await crm.locator('casekit-inbox [role=option]').first().click();
    await crm.locator('casekit-timeline [data-seq]').first().waitFor();
    return `${await crm.locator('casekit-inbox [role=option]').count()} rows rendered`;
  });
} finally {
  await browser.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
