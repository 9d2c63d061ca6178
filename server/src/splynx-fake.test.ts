import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'server/src/cli.ts');

/** Runs `casekit splynx fake` with `args`; resolves with its printed lines once the credentials are out. */
function runFake(args: string[]): Promise<{ lines: string[]; stop: () => Promise<number | null> }> {
  const child = spawn(NODE, ['--conditions=casekit-source', CLI, 'splynx', 'fake', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fake did not start: ${stderr}`)), 20_000);
    void exited.then((code) => reject(new Error(`the fake exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes('Hook secret')) {
        clearTimeout(timer);
        resolve({
          lines,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

describe('casekit splynx fake', () => {
  it('prints its URL and credentials, and serves the seeded customers to a signed request', async () => {
    const { lines, stop } = await runFake(['--port', '0', '--customers', '7', '--api-key', 'dev-key', '--api-secret', 'dev-secret']);
    try {
      const url = /at (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!)?.[1];
      assert.ok(url, lines[0]);
      assert.ok(lines.some((line) => /API key\s+dev-key$/.test(line)));
      assert.ok(lines.some((line) => /API secret\s+dev-secret$/.test(line)));
      const nonce = Date.now();
      const signature = createHmac('sha256', 'dev-secret').update(`${nonce}dev-key`).digest('hex').toUpperCase();
      const res = await fetch(`${url}/api/2.0/admin/customers/customer`, { headers: { authorization: `Splynx-EA (key=dev-key&nonce=${nonce}&signature=${signature})` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as unknown[]).length, 7);
    } finally {
      assert.equal(await stop(), 0);
    }
  });

  it('refuses a bad flag naming it, with exit code 2', async () => {
    const child = spawn(NODE, ['--conditions=casekit-source', CLI, 'splynx', 'fake', '--customers', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--customers must be a whole number from 0 to 100000, got "many"/);
  });
});
