// The packages as an adopting team gets them: every package packed as it would be published,
// installed with npm into a fresh project outside the workspace (their third-party dependencies
// from the registry), type-checked there under `nodenext` and `bundler` resolution, and run:
// a visitor-to-agent round trip through the installed packages only. Needs `pnpm build` first.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packPackages, ROOT, type PackedPackage } from './pack-packages.ts';

const run = promisify(execFile);
// npm and tsc run on the workspace's Node 22, whatever `node` the shell has.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const ESBUILD = join(ROOT, 'packages/widgets/node_modules/.bin/esbuild');

/** A Node older than 22.12 on this machine, outside node_modules (Debian's Node 20 here), if any. */
async function findOldNode(): Promise<string | null> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !d.includes('node_modules'));
  for (const candidate of [...new Set([...dirs.map((d) => join(d, 'node')), '/usr/bin/node', '/usr/local/bin/node'])]) {
    if (!existsSync(candidate)) continue;
    const { stdout } = await run(candidate, ['--version']).catch(() => ({ stdout: '' }));
    const [major = 0, minor = 0] = stdout.trim().replace(/^v/, '').split('.').map(Number);
    if (major > 0 && (major < 22 || (major === 22 && minor < 12))) return candidate;
  }
  return null;
}
const oldNode = await findOldNode();

/** One `export * as` per published entry point, so the type check reaches every one. */
function entriesModule(packed: PackedPackage[]): string {
  const lines = packed.flatMap((pkg) =>
    Object.keys(pkg.published.exports ?? {})
      .filter((subpath) => !subpath.endsWith('.json'))
      .map((subpath) => `${pkg.manifest.name}${subpath.slice(1)}`),
  );
  return lines.map((specifier, i) => `export * as entry${i} from '${specifier}';`).join('\n') + '\n';
}

function tsconfig(resolution: 'nodenext' | 'bundler'): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'es2023',
      module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
      moduleResolution: resolution,
      strict: true,
      noEmit: true,
      // Under nodenext every .d.ts is checked too, so an import in ours that does not resolve
      // (express without @types/express) is an error; under bundler, only resolution is checked.
      skipLibCheck: resolution === 'bundler',
      lib: ['es2023', 'dom', 'dom.iterable'],
      types: ['node'],
    },
    files: ['round-trip.ts', 'entries.ts'],
  });
}

describe('the packed packages installed into a fresh project', { timeout: 300_000 }, () => {
  let dir = '';
  let packed: PackedPackage[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'casekit-adopter-'));
    await mkdir(join(dir, 'tarballs'));
    packed = packPackages(join(dir, 'tarballs'));
    const tarballs = Object.fromEntries(packed.map((pkg) => [pkg.manifest.name, `file:tarballs/${pkg.tarball.split('/').at(-1)}`]));
    const manifest = {
      name: 'adopter',
      private: true,
      type: 'module',
      dependencies: { ...tarballs, express: '^5.3.0' },
      devDependencies: { '@types/node': '^22.20.5' },
      // Ranges between our packages (^0.1.0) resolve to these tarballs, never to the registry.
      overrides: tarballs,
    };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    await copyFile(join(ROOT, 'scripts/adopter/round-trip.ts'), join(dir, 'round-trip.ts'));
    await writeFile(join(dir, 'entries.ts'), entriesModule(packed));
    await writeFile(join(dir, 'tsconfig.json'), tsconfig('nodenext'));
    await writeFile(join(dir, 'tsconfig.bundler.json'), tsconfig('bundler'));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs every package from its tarball, with manifests that name shipped files only', async () => {
    for (const pkg of packed) {
      const installed = JSON.parse(await readFile(join(dir, 'node_modules', pkg.manifest.name, 'package.json'), 'utf8'));
      assert.equal(installed.version, pkg.manifest.version, pkg.manifest.name);
      assert.ok(!JSON.stringify(installed).includes('casekit-source'), `${pkg.manifest.name} names casekit-source`);
      assert.ok(existsSync(join(dir, 'node_modules', pkg.manifest.name, 'LICENSE')), `${pkg.manifest.name} ships its LICENSE`);
    }
    // One copy of each of our packages: every range between them met by the tarballs.
    const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    interface Tree {
      version?: string;
      dependencies?: Record<string, Tree>;
    }
    const versions = new Set<string>();
    const walk = (deps: Record<string, Tree> = {}) => {
      for (const [name, info] of Object.entries(deps)) {
        if (name.startsWith('@casekit/')) versions.add(`${name}@${info.version}`);
        walk(info.dependencies);
      }
    };
    walk(JSON.parse(stdout).dependencies);
    assert.deepEqual([...versions].sort(), packed.map((pkg) => `${pkg.manifest.name}@${pkg.manifest.version}`).sort());
  });

  it('type-checks a consumer against every entry point, under nodenext and bundler resolution', async () => {
    await Promise.all(
      ['tsconfig.json', 'tsconfig.bundler.json'].map((project) =>
        run(TSC, ['-p', project], { cwd: dir, env }).catch((error: { stdout?: string }) => {
          assert.fail(`tsc -p ${project} in the adopter project:\n${error.stdout ?? String(error)}`);
        }),
      ),
    );
  });

  it('runs a visitor-to-agent round trip: casekit mounted in an Express app over SQLite, the SDK on both sides', async () => {
    const { stdout } = await run(process.execPath, ['round-trip.ts'], { cwd: dir, env, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(result.portal, { ok: true }, "the host app's own route still answers");
    assert.deepEqual(result.agentSaw, { text: 'My router blinks red since this morning', caseNumber: 1, caseStatus: 'new' });
    assert.deepEqual(result.listed, [true]);
    assert.deepEqual(result.visitorSaw, [
      { author: 'customer', text: 'My router blinks red since this morning' },
      { author: 'agent', text: 'Sorry Dana, a technician is on the way.' },
    ]);
    assert.deepEqual(result.warnings, []);
  });

  it('bundles browser entries for the browser, and refuses server-only ones with an error that names them', async () => {
    const bundle = (page: string) =>
      run(ESBUILD, ['--bundle', '--platform=browser', '--format=esm', '--log-level=error', '--outfile=/dev/null', page], { cwd: dir, env }).then(
        () => '',
        (error: { stderr: string }) => error.stderr,
      );
    await writeFile(join(dir, 'page.js'), "import '@casekit/widgets/chat';\nimport { createVisitorClient } from '@casekit/sdk';\nconsole.log(createVisitorClient);\n");
    assert.equal(await bundle('page.js'), '');
    const serverOnly = packed.flatMap((pkg) =>
      Object.entries(pkg.published.exports ?? {})
        .filter(([, target]) => typeof target === 'object' && target !== null && 'browser' in target && target.browser === null)
        .map(([subpath]) => `${pkg.manifest.name}${subpath.slice(1)}`),
    );
    assert.ok(serverOnly.includes('@casekit/server') && serverOnly.includes('@casekit/store-sqlite') && serverOnly.includes('@casekit/mocks/node'), serverOnly.join());
    for (const specifier of serverOnly) {
      await writeFile(join(dir, 'server-page.js'), `import * as entry from '${specifier}';\nconsole.log(entry);\n`);
      assert.match(await bundle('server-page.js'), new RegExp(`Could not resolve "${specifier}"[\\s\\S]*explicitly disabled`), specifier);
    }
  });

  it('says which Node it needs on an older one, instead of crashing', { skip: oldNode ? false : 'no Node older than 22.12 on this machine' }, async () => {
    const script = "const { createSqliteStore } = await import('@casekit/store-sqlite'); await createSqliteStore({ filename: ':memory:' });";
    const outcome = await run(oldNode!, ['--input-type=module', '-e', script], { cwd: dir }).then(
      () => ({ code: 0, signal: null, stderr: '' }),
      (error: { code: number | null; signal: string | null; stderr: string }) => error,
    );
    assert.equal(outcome.signal, null, 'ended by a signal (a segmentation fault)');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /casekit needs Node 22\.12 or newer; this is \d+\.\d+\.\d+\./);
  });
});
