import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startPage } from './start-page.ts';
import type { SeedResult } from './demo/seed.ts';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

const seed: SeedResult = {
  agents: [{ email: 'ada@fibrelink.example', name: 'Ada <Admin>', role: 'admin' }],
  password: 'casekit-demo',
  webchat: { channelId: 'webchat', secret: 's3cret/+' },
  created: { agents: 1, customers: 0, cases: 0, messages: 0 },
  alreadySeeded: false,
};

describe('the start page', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-start-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is the examples' own page, its links resolved against /examples/, with the demo's sign-in filled in", async () => {
    const page = await startPage(examples, seed);
    assert.equal(page.replace(/\s*<base href="\/examples\/" \/>/, '').replace(/<section class="server"[\s\S]*?<\/section>/, '<!-- casekit:server -->'), await readFile(join(examples, 'index.html'), 'utf8'));
    assert.match(page, /<base href="\/examples\/" \/>/);
    assert.match(page, /href="crm\/"/);
    assert.match(page, /<code>casekit-demo<\/code>/);
    assert.match(page, /<code>ada@fibrelink\.example<\/code><\/td><td>Ada &#60;Admin&#62;<\/td>/, 'names escaped');
    assert.match(page, /href="support-site\/\?secret=s3cret%2F%2B"/);
    assert.match(page, /href="\/api\/v1\/docs"/);
  });

  it('says how to sign in without the demo, and lists the folder when it has no page of its own', async () => {
    assert.match(await startPage(examples, undefined), /the server logs an admin login/);
    await writeFile(join(dir, 'other.html'), '<title>x</title>');
    const bare = await startPage(dir, undefined);
    assert.match(bare, /href="\/examples\/other.html"/);
    assert.match(bare, /href="\/api\/v1\/docs"/);
  });
});
