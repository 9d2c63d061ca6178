import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedResult } from './demo/seed.ts';

/** casekit's icon, served at `/favicon.svg` (and `/favicon.ico`, which browsers ask for on their own). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/>' +
  '<path d="M8 12.5h16V23H8zM12.5 12.5V9.5h7v3" fill="none" stroke="#fff" stroke-width="2.4" stroke-linejoin="round"/></svg>';

/** Where the start page says what this server offers; the examples' `index.html` carries it. */
const SERVER_MARK = '<!-- casekit:server -->';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SERVER_LINKS: [string, string][] = [
  ['/api/v1/docs', 'API reference'],
  ['/api/v1/openapi.json', 'OpenAPI document'],
  ['/healthz', 'Health'],
];

/** What the start page tells a visitor about this server: its links and, for the demo, how to sign in. */
function serverSection(seed: SeedResult | undefined): string {
  const links = SERVER_LINKS.map(([href, label]) => `<a href="${href}">${label}</a>`).join(' · ');
  if (!seed) {
    return `<section class="server" aria-labelledby="server-title"><h2 id="server-title">This server</h2><p>${links}</p>
<p>Sign in to the CRM page with an agent of this workspace; on the first start the server logs an admin login to change.</p></section>`;
  }
  const rows = seed.agents
    .map((a) => `<tr><td>${escapeHtml(a.role)}</td><td><code>${escapeHtml(a.email)}</code></td><td>${escapeHtml(a.name)}</td></tr>`)
    .join('');
  const dana = seed.webchat.secret
    ? `<p>On the support site, <a href="support-site/?secret=${encodeURIComponent(seed.webchat.secret)}">open it with the web chat secret</a> so that “Sign in as Dana” starts an identified chat.</p>`
    : '';
  return `<section class="server" aria-labelledby="server-title"><h2 id="server-title">Sign in to the demo</h2>
<p>Every demo agent's password is <code>${escapeHtml(seed.password)}</code>. Sign in on the CRM page as one of:</p>
<table><thead><tr><th scope="col">Role</th><th scope="col">Email</th><th scope="col">Name</th></tr></thead><tbody>${rows}</tbody></table>
${dana}<p>${links}</p></section>`;
}

/** The bare list served when the examples folder has no start page of its own. */
async function linkList(examplesDir: string | null): Promise<string> {
  const links = [...SERVER_LINKS];
  if (examplesDir && existsSync(examplesDir)) {
    for (const entry of await readdir(examplesDir, { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.html')) links.push([`/examples/${entry.name}`, entry.name]);
      if (entry.isDirectory() && existsSync(join(examplesDir, entry.name, 'index.html'))) links.push([`/examples/${entry.name}/`, entry.name]);
    }
  }
  const items = links.map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>casekit</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:40px auto;padding:0 20px}</style></head>
<body><h1>casekit</h1><p>The reference backend is running.</p><ul>${items}</ul></body></html>`;
}

/**
 * The page served at `/`: the examples' own start page, its links resolved against `/examples/`
 * and this server's links and demo sign-in filled in; a bare list where there is none.
 */
export async function startPage(examplesDir: string | null, seed: SeedResult | undefined): Promise<string> {
  const file = examplesDir ? join(examplesDir, 'index.html') : null;
  if (!file || !existsSync(file)) return linkList(examplesDir);
  const page = await readFile(file, 'utf8');
  return page.replace('<head>', '<head>\n    <base href="/examples/" />').replace(SERVER_MARK, serverSection(seed));
}
