/**
 * Shared by the end-to-end test and the screenshot script: the reference backend with demo data
 * on loopback, Debian's Chromium through playwright-core, and the steps a customer and an agent
 * take on the two example pages. Needs the built bundles in examples/dist
 * (`pnpm --filter @casekit/widgets run build`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../server/src/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const BUNDLES = ['casekit-chat.js', 'casekit-chat.full.js', 'crm.js'];

/** A running backend and browser; `close()` stops both and deletes the data dir. */
export interface Examples {
  server: RunningServer;
  browser: Browser;
  /** Absolute URL of a path on the server, e.g. `url('/examples/crm/')`. */
  url(path: string): string;
  /** The seeded agent with this role (the first one). */
  agent(role: 'admin' | 'supervisor' | 'agent'): { email: string; name: string; password: string };
  close(): Promise<void>;
}

/** Starts the reference backend (demo data, fresh data dir in the OS temp dir) and Chromium. */
export async function startExamples(): Promise<Examples> {
  const missing = BUNDLES.filter((f) => !existsSync(join(root, 'examples/dist', f)));
  if (missing.length) {
    throw new Error(`examples/dist lacks ${missing.join(', ')}; run \`pnpm --filter @casekit/widgets run build\` first.`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'casekit-examples-'));
  let server: RunningServer | undefined;
  try {
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, logLevel: 'error' });
    const browser = await chromium.launch({
      executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const running = server;
    return {
      server: running,
      browser,
      url: (path) => new URL(path, running.url).href,
      agent(role) {
        const found = running.seed!.agents.find((a) => a.role === role);
        if (!found) throw new Error(`the demo data has no ${role}`);
        return { ...found, password: running.seed!.password };
      },
      async close() {
        await browser.close().catch(() => undefined);
        await running.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

const problems: string[] = [];

/**
 * What went wrong on the pages opened since the last call, and forgets it: console errors,
 * uncaught exceptions, dialogs (`alert()`) and answers of 400 or more (a missing favicon too).
 */
export function takeProblems(): string[] {
  return problems.splice(0);
}

/** A page in its own browser context (own storage, so each visitor is a new customer), watched for problems. */
export async function newPage(ex: Examples, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await ex.browser.newContext(options);
  const page = await context.newPage();
  const where = () => new URL(page.url()).pathname;
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error on ${where()}: ${m.text()}`)));
  page.on('pageerror', (e) => void problems.push(`uncaught on ${where()}: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${d.type()}() on ${where()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} for ${r.request().method()} ${new URL(r.url()).pathname} on ${where()}`)));
  return page;
}

/** Opens the support site, opens the chat, fills the pre-chat form and waits for the composer. */
export async function startChat(page: Page, ex: Examples, visitor: { name: string; email: string }): Promise<Locator> {
  await page.goto(ex.url('/examples/support-site/'));
  await page.waitForFunction(() => customElements.get('casekit-chat'), undefined, { timeout: 10_000 });
  await page.locator('#open-chat').click();
  const chat = page.locator('casekit-chat');
  await chat.locator('#prechat-name').fill(visitor.name);
  await chat.locator('#prechat-email').fill(visitor.email);
  await chat.locator('button[type=submit]').click();
  await chat.locator('textarea').waitFor();
  return chat;
}

/** Types a message into the customer chat, sends it with Enter and waits until it is stored. */
export async function sendFromChat(chat: Locator, text: string): Promise<void> {
  await chat.locator('textarea').fill(text);
  await chat.locator('textarea').press('Enter');
  await chat.locator('.message.own').filter({ hasText: text }).locator('.status:not(.pending):not(.queued)').waitFor();
}

/** Opens the CRM page and signs in through the workbench's own form; waits for the inbox rows. */
export async function signInCrm(page: Page, ex: Examples, agent: { email: string; password: string }): Promise<Locator> {
  await page.goto(ex.url('/examples/crm/'));
  const workbench = page.locator('casekit-workbench');
  await workbench.locator('#wb-email').fill(agent.email);
  await workbench.locator('#wb-password').fill(agent.password);
  await workbench.locator('button[type=submit]').click();
  await workbench.locator('casekit-inbox [role=option]').first().waitFor();
  // The CRM page puts its agent online; chat visitors then get the chat, not the leave-a-message form.
  await page.waitForFunction(async () => (await (await fetch('/api/v1/visitor/status')).json()).agentsAvailable, undefined, { timeout: 10_000 });
  return workbench;
}

/** Writes a reply in the workbench composer and sends it with its button. */
export async function replyFromCrm(workbench: Locator, text: string): Promise<void> {
  const composer = workbench.locator('casekit-composer');
  await composer.locator('textarea').fill(text);
  await composer.locator('[part=send-button]').click();
  await composer.locator('textarea').and(composer.locator(':placeholder-shown')).waitFor();
}
