/**
 * casekit embedded the way an adopting team does it, in Chromium: mounted under /support in an
 * existing Express app (its own routes untouched), the chat loaded from the casekit server's
 * widget files by a host page on another origin (a second loopback port), realtime both ways;
 * and the chat's stacking on host pages with an overlay and with a transformed `body`.
 * Needs the CDN build (packages/widgets/dist/cdn; `pnpm test:e2e` builds it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAgentClient, type AgentClient } from '@casekit/sdk';
import { createAuth, createCasekitServer, provisionAgent, provisionChannel, type CasekitServer } from '@casekit/server';
import { createMemoryStore } from '@casekit/store-memory';

const WIDGETS_DIR = fileURLToPath(new URL('../packages/widgets/dist/cdn', import.meta.url));
const WORKSPACE = 'acme';
const PASSWORD = 'correct horse battery staple';
const LIVE_MS = 10_000;

/** A host site on its own port: each page is a body and the chat's script tag. */
function startHostSite(pages: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

describe('casekit embedded in a host site', { timeout: 120_000 }, () => {
  let casekit: CasekitServer;
  let casekitOrigin = '';
  let host: { server: Server; origin: string };
  let browser: Browser;
  let agent: AgentClient;
  const pages: Record<string, string> = {};

  /** The chat's script tag, loading from casekit's /support/widgets/ on the other origin. */
  const chatTag = () =>
    `<script src="${casekitOrigin}/support/widgets/casekit-chat.js" data-base-url="${casekitOrigin}/support" data-channel-id="webchat" data-no-leave-message async></script>`;
  const page = (head: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>host</title>${head}</head><body>${body}${chatTag()}</body></html>`;

  before(async () => {
    if (!existsSync(`${WIDGETS_DIR}/casekit-chat.full.js`)) throw new Error('packages/widgets/dist/cdn is not built; run `pnpm test:e2e`.');
    // The host page's origin must be known to casekit's CORS list: the host site listens first.
    host = await startHostSite(pages);

    // An existing Express app with routes of its own.
    const app = express();
    app.get('/', (_req, res) => void res.send('portal home'));
    app.get('/api/v1/status', (_req, res) => void res.json({ portal: true }));
    const store = createMemoryStore();
    const auth = createAuth({ jwtSecret: 'an-e2e-secret-that-is-long-enough-0123456789' });
    casekit = createCasekitServer({ app, path: '/support', store, auth, workspaceId: WORKSPACE, widgetsDir: WIDGETS_DIR, corsOrigins: [host.origin] });
    await casekit.engine.ensureWorkspace({ id: WORKSPACE, name: 'Acme' });
    await provisionChannel(casekit.engine, WORKSPACE, { id: 'webchat', kind: 'webchat', name: 'Website chat' });
    await provisionAgent(casekit.engine, auth, WORKSPACE, { email: 'ana@acme.example', name: 'Ana', password: PASSWORD, role: 'admin' });
    const address = await casekit.listen(0, '127.0.0.1');
    casekitOrigin = `http://127.0.0.1:${address.port}`;

    pages['/chat'] = page('', '<h1>Shop</h1>');
    pages['/overlay'] = page(
      '<style>#overlay{position:fixed;inset:0;z-index:2147483646;background:rgb(0 0 0/.3)}</style>',
      '<div id="overlay"></div>',
    );
    pages['/workbench'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>crm</title></head><body><casekit-workbench base-url="${casekitOrigin}/support"></casekit-workbench><script src="${casekitOrigin}/support/widgets/casekit-workbench.js"></script></body></html>`;
    pages['/transformed'] = page('<style>body{margin:0;transform:translateZ(0);min-block-size:3000px}</style>', '<h1>A page-transition library put a transform on body</h1>');

    browser = await chromium.launch({ executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

    // The agent, through the SDK with the same path; connected, so visitors see someone online.
    agent = createAgentClient({ baseUrl: casekitOrigin, path: '/support' });
    await agent.login('ana@acme.example', PASSWORD);
    agent.connect();
    const deadline = Date.now() + LIVE_MS;
    while (agent.connection !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(agent.connection, 'connected');
  });

  after(async () => {
    agent?.disconnect();
    await browser?.close().catch(() => undefined);
    await casekit?.close();
    await new Promise((resolve) => host?.server.close(resolve));
  });

  async function openHostPage(path: string): Promise<Page> {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const failures: string[] = [];
    tab.on('pageerror', (error) => failures.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    await tab.goto(`${host.origin}${path}`);
    await tab.waitForFunction(() => customElements.get('casekit-chat'), undefined, { timeout: LIVE_MS });
    assert.deepEqual(failures, [], 'the chat loaded from the other origin without errors');
    return tab;
  }

  test('the CDN workbench is a classic script: a plain <script src> from another origin defines the element', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const failures: string[] = [];
    tab.on('pageerror', (error) => failures.push(error.message));
    await tab.goto(`${host.origin}/workbench`);
    await tab.waitForFunction(() => customElements.get('casekit-workbench'), undefined, { timeout: LIVE_MS });
    await tab.locator('casekit-workbench #wb-email').waitFor({ timeout: LIVE_MS });
    assert.deepEqual(failures, []);
    await context.close();
  });

  test('the existing app keeps its own routes', async () => {
    assert.equal(await (await fetch(`${casekitOrigin}/`)).text(), 'portal home');
    assert.deepEqual(await (await fetch(`${casekitOrigin}/api/v1/status`)).json(), { portal: true });
  });

  test('a host page on another origin loads the chat from casekit under /support; the visitor and the agent talk in real time', async () => {
    const tab = await openHostPage('/chat');
    const chat = tab.locator('casekit-chat');
    await chat.locator('[part=launcher]').click();
    const arrived = new Promise<{ caseId: string; text: string }>((resolve) =>
      agent.on('message', (message) => {
        if (message.text === 'Is my order on its way?') resolve({ caseId: message.caseId, text: message.text });
      }),
    );
    await chat.locator('textarea').fill('Is my order on its way?');
    await chat.locator('textarea').press('Enter');
    const { caseId } = await Promise.race([arrived, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the agent socket got nothing')), LIVE_MS))]);
    await agent.reply(caseId, { text: 'It left the warehouse this morning.' });
    await chat.locator('.message').filter({ hasText: 'It left the warehouse this morning.' }).waitFor({ timeout: LIVE_MS });
    await tab.context().close();
  });

  test('the chat panel stays above a host overlay when the host sets --casekit-z-index', async () => {
    const tab = await openHostPage('/overlay');
    await tab.evaluate(() => (document.querySelector('casekit-chat') as HTMLElement & { open(): void }).open());
    const panel = tab.locator('casekit-chat [part=panel]');
    await panel.waitFor();
    const hit = async () => {
      const box = (await panel.boundingBox())!;
      return tab.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.localName, [box.x + box.width / 2, box.y + box.height / 2]);
    };
    // The overlay's z-index is above the default one: the knob is what puts the chat on top.
    assert.equal(await hit(), 'div', 'below the overlay by default');
    await tab.addStyleTag({ content: 'casekit-chat { --casekit-z-index: 2147483647; }' });
    assert.equal(await hit(), 'casekit-chat', 'above the overlay with the knob set');
    await tab.locator('casekit-chat textarea').click();
    await tab.context().close();
  });

  test('on a page whose body is transformed, the launcher is in the viewport and opens the chat', async () => {
    const tab = await openHostPage('/transformed');
    const launcher = tab.locator('casekit-chat [part=launcher]');
    const box = (await launcher.boundingBox())!;
    const viewport = tab.viewportSize()!;
    assert.ok(box.y + box.height <= viewport.height && box.x + box.width <= viewport.width, `launcher at ${box.x},${box.y} in ${viewport.width}x${viewport.height}`);
    await tab.mouse.wheel(0, 1500);
    await tab.waitForFunction(() => scrollY > 0);
    const scrolled = (await launcher.boundingBox())!;
    assert.equal(Math.round(scrolled.y), Math.round(box.y), 'stays put while the page scrolls');
    await launcher.click();
    await tab.locator('casekit-chat[opened] [part=panel]').waitFor({ timeout: LIVE_MS });
    const panel = (await tab.locator('casekit-chat [part=panel]').boundingBox())!;
    assert.ok(panel.y >= 0 && panel.y + panel.height <= viewport.height, 'the panel is in the viewport too');
    await tab.context().close();
  });
});
