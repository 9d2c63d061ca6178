/**
 * <casekit-inbox> with 10,000 cases in headless Chromium: time to first render and frames
 * dropped while scrolling through all of them. Baseline, same run: the same rows as plain DOM
 * without virtualization.
 *
 * Run: pnpm --filter @casekit/widgets build && node bench/inbox-render.ts
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { saveResult, table } from './lib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'packages/widgets/dist/cdn/casekit-workbench.js');
if (!existsSync(bundle)) {
  console.error('Build the widgets first: pnpm --filter @casekit/widgets build');
  process.exit(1);
}
// playwright-core is a devDependency of @casekit/widgets; only the calls used here are typed.
interface Tab {
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => unknown): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Tab>;
  close(): Promise<void>;
}
const { chromium } = createRequire(join(root, 'packages/widgets/package.json'))('playwright-core') as {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
};

const COUNT = Number(process.env['COUNT'] ?? 10_000);
const ROW = 76;
const STEP = Number(process.env['STEP'] ?? 600); // px per frame; 600 is a fast fling (~36,000 px/s at 60 fps)

const page = /* html */ `<!doctype html><meta charset="utf-8"><body style="margin:0">
<style>${process.env["EXTRA_CSS"] ?? ""}</style><div id="host" style="height:720px;width:420px"></div>
<script type="module">
  import '/packages/widgets/dist/cdn/casekit-workbench.js';
  const channels = ['email', 'webchat', 'sms', 'whatsapp', 'telegram'];
  window.makeCases = (n) => Array.from({ length: n }, (_, i) => ({
    id: 'c' + i, workspaceId: 'w', number: i + 1, subject: 'Case subject number ' + (i + 1), status: ['new', 'open', 'pending'][i % 3],
    priority: i % 17 === 0 ? 'urgent' : 'normal', customerId: 'cu' + i, assigneeId: null, team: null, skills: [], tags: i % 5 ? [] : ['vip'],
    channels: [channels[i % 5]], preview: 'The latest message in case ' + (i + 1) + ', trimmed to one line for the list', messageCount: 3,
    createdAt: new Date(1.7e12 + i * 60000).toISOString(), updatedAt: new Date(1.7e12 + i * 60000).toISOString(),
    lastActivityAt: new Date(1.7e12 + i * 60000).toISOString(), solvedAt: null, version: 1 }));
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  /** Scrolls el from top to bottom STEP px per frame; returns frame intervals. */
  window.scrollThrough = async (el, step) => {
    el.scrollTop = 0; await frame(); await frame();
    const times = []; let last = performance.now();
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
      el.scrollTop += step; await frame();
      const now = performance.now(); times.push(now - last); last = now;
    }
    return times;
  };
  window.renderInbox = async (cases) => {
    const host = document.getElementById('host'); host.replaceChildren();
    const t0 = performance.now();
    const el = document.createElement('casekit-inbox'); el.setAttribute('no-toolbar', ''); el.style.height = '100%';
    host.append(el); el.cases = cases;
    await el.updateComplete; await frame(); await new Promise((r) => setTimeout(r));
    const ms = performance.now() - t0;
    return { ms, rows: el.shadowRoot.querySelectorAll('[role=option]').length };
  };
  window.renderPlain = async (cases) => {
    const host = document.getElementById('host'); host.replaceChildren();
    const t0 = performance.now();
    const list = document.createElement('div'); list.style.cssText = 'height:100%;overflow-y:auto';
    list.innerHTML = cases.map((c) => '<div style="height:${ROW}px;box-sizing:border-box;border-bottom:1px solid #ddd;padding:8px 12px;font:14px system-ui">'
      + '<b>#' + c.number + ' ' + c.subject + '</b><div>' + c.preview + '</div></div>').join('');
    host.append(list); await frame(); await new Promise((r) => setTimeout(r));
    return { ms: performance.now() - t0, rows: list.children.length };
  };
</script>`;

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/') {
    res.setHeader('content-type', 'text/html');
    res.end(page);
    return;
  }
  const file = normalize(join(root, decodeURIComponent(url.pathname)));
  if (!file.startsWith(root)) return void res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.setHeader('content-type', extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream');
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;

const browser = await chromium.launch({
  executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await tab.goto(`http://127.0.0.1:${port}/`);
  await tab.waitForFunction(() => Boolean(customElements.get('casekit-inbox')) && 'renderInbox' in window);

  type Render = { ms: number; rows: number };
  const measure = async (kind: 'renderInbox' | 'renderPlain') => {
    const first: Render[] = [];
    for (let i = 0; i < 5; i++) {
      first.push(await tab.evaluate(async ([k, n]: readonly [string, number]) => {
        const w = window as unknown as Record<string, (c: unknown) => Promise<Render>> & { makeCases(n: number): unknown };
        return w[k]!(w.makeCases(n));
      }, [kind, COUNT] as const));
    }
    const intervals: number[] = await tab.evaluate(async ([k, step]: readonly [string, number]) => {
      const host = document.getElementById('host')!;
      const el = k === 'renderInbox' ? host.querySelector('casekit-inbox')!.shadowRoot!.querySelector('[role=listbox]')! : host.firstElementChild!;
      return (window as unknown as { scrollThrough(e: Element, s: number): Promise<number[]> }).scrollThrough(el, step);
    }, [kind, STEP] as const);
    const budget = 1000 / 60;
    const dropped = intervals.reduce((n, t) => n + Math.max(0, Math.round(t / budget) - 1), 0);
    const sorted = [...intervals].sort((a, b) => a - b);
    const renders = first.map((r) => r.ms).sort((a, b) => a - b);
    return {
      firstRenderMs: renders[Math.floor(renders.length / 2)]!,
      rowsInDom: first[0]!.rows,
      frames: intervals.length,
      dropped,
      droppedPct: (dropped / (intervals.length + dropped)) * 100,
      p95FrameMs: sorted[Math.floor(sorted.length * 0.95)]!,
    };
  };

  const inbox = await measure('renderInbox');
  const plain = await measure('renderPlain');
  console.log(`\n<casekit-inbox>, ${COUNT.toLocaleString('en')} cases, ${ROW}px rows, scrolled top to bottom at ${STEP}px/frame (headless Chromium)\n`);
  console.log(
    table([
      { variant: 'casekit-inbox (virtualized)', 'first render ms (median of 5)': inbox.firstRenderMs, 'rows in DOM': inbox.rowsInDom, frames: inbox.frames, dropped: inbox.dropped, 'dropped %': inbox.droppedPct, 'p95 frame ms': inbox.p95FrameMs },
      { variant: 'baseline: plain DOM, all rows', 'first render ms (median of 5)': plain.firstRenderMs, 'rows in DOM': plain.rowsInDom, frames: plain.frames, dropped: plain.dropped, 'dropped %': plain.droppedPct, 'p95 frame ms': plain.p95FrameMs },
    ]),
  );
  console.log(`\nfirst render: ${(plain.firstRenderMs / inbox.firstRenderMs).toFixed(1)}× faster than the baseline; rows in DOM: ${inbox.rowsInDom} vs ${plain.rowsInDom}`);
  saveResult('inbox-render', { count: COUNT, rowHeight: ROW, stepPx: STEP, inbox, baseline: plain });
} finally {
  await browser.close();
  server.close();
}
