/**
 * What a page that imports casekit from npm weighs: the packages are built and packed, installed
 * with npm into a fresh project outside the workspace, and a page importing `<casekit-chat>` and
 * one importing `<casekit-workbench>` are bundled with esbuild and with Vite (production,
 * minified). Baseline, same run: the CDN build of the same element from that build.
 * The figure is what the page loads up front (the entry and its static imports, gzip -9);
 * chunks imported on use are counted apart.
 *   pnpm --filter @casekit/bench bundle-size [--keep] [--skip-build]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { init as lexerReady, parse as parseModule } from 'es-module-lexer';
import { build as viteBuild, version as viteVersion } from 'vite';
import { benchOptions, saveResult, table } from './lib.ts';
import { ROOT } from './proc.ts';

// --skip-build packs the packages as they are built now (quicker when only this script changed).
const options = benchOptions({ keep: { type: 'boolean', default: false }, 'skip-build': { type: 'boolean', default: false } });

/** The pages an adopting team writes, and the CDN file that ships the same element. */
const PAGES = [
  { name: 'chat', code: "import '@casekit/widgets/chat';\n", cdn: 'casekit-chat.full.js' },
  { name: 'workbench', code: "import '@casekit/widgets/workbench';\n", cdn: 'casekit-workbench.js' },
] as const;

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
/** Runs a build and shows its output only when it fails. */
function quiet(command: string, args: string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    console.error(stdout, stderr);
    throw error;
  }
}

interface Pkg {
  name: string;
  dependencies?: Record<string, string>;
}
const readPkg = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Pkg;

/** @casekit/widgets and the casekit packages it depends on, found through the dependencies. */
function packagesOfWidgets(): Map<string, string> {
  const dirs = new Map(readdirSync(join(ROOT, 'packages')).map((d) => [readPkg(join(ROOT, 'packages', d)).name, join(ROOT, 'packages', d)]));
  const found = new Map<string, string>();
  const visit = (name: string) => {
    const dir = dirs.get(name);
    if (!dir || found.has(name)) return;
    found.set(name, dir);
    for (const dep of Object.keys(readPkg(dir).dependencies ?? {})) visit(dep);
  };
  visit('@casekit/widgets');
  return found;
}

await lexerReady;
/** gzip -9 bytes of an entry and everything it imports statically, and of the chunks it may load later. */
function weigh(entry: string): { initial: number; later: number } {
  const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
  const staticFiles = new Set<string>();
  const lazyFiles = new Set<string>();
  const walk = (file: string, lazy: boolean) => {
    if (staticFiles.has(file) || (lazy && lazyFiles.has(file))) return;
    (lazy ? lazyFiles : staticFiles).add(file);
    const [imports] = parseModule(readFileSync(file, 'utf8'));
    for (const i of imports) {
      if (!i.specifier?.startsWith('./') && !i.specifier?.startsWith('../')) continue;
      walk(join(dirname(file), i.specifier), lazy || i.type === 'dynamic');
    }
  };
  walk(entry, false);
  const sum = (files: Iterable<string>) => [...files].reduce((total, f) => total + gz(f), 0);
  return { initial: sum(staticFiles), later: sum([...lazyFiles].filter((f) => !staticFiles.has(f))) };
}

// 1. Build and pack the packages the widgets need; the widgets' build also writes the CDN files.
const packages = packagesOfWidgets();
const filters = [...packages.keys()].flatMap((name) => ['--filter', name]);
console.error(`building ${[...packages.keys()].join(', ')}`);
if (!options['skip-build']) quiet('pnpm', [...filters, '--silent', 'run', 'build'], ROOT);
const work = mkdtempSync(join(tmpdir(), 'casekit-bundle-size-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
for (const dir of packages.values()) run('pnpm', ['pack', '--pack-destination', tarballs], dir);

// 2. A fresh consumer project outside the workspace, installed from the tarballs with npm.
const app = join(work, 'app');
mkdirSync(app);
const dependencies = Object.fromEntries(readdirSync(tarballs).map((file) => {
  const name = [...packages.keys()].find((n) => file.startsWith(n.replace('@', '').replace('/', '-') + '-'))!;
  return [name, `file:${join(tarballs, file)}`];
}));
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
console.error(`npm install in ${app}`);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
for (const page of PAGES) {
  writeFileSync(join(app, `${page.name}.js`), page.code);
  writeFileSync(join(app, `${page.name}.html`), `<!doctype html>\n<script type="module" src="./${page.name}.js"></script>\n`);
}

// 3. Bundle each page on its own, as a production build.
async function withEsbuild(page: (typeof PAGES)[number]): Promise<string> {
  const outdir = join(work, 'out-esbuild', page.name);
  const result = await esbuild.build({
    absWorkingDir: app,
    entryPoints: [join(app, `${page.name}.js`)],
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    outdir,
    metafile: true,
    logLevel: 'error',
  });
  // The page's own output: with splitting, every dynamically imported module is an entry point too.
  const [entry] = Object.entries(result.metafile.outputs).find(([, out]) => out.entryPoint === `${page.name}.js`)!;
  return join(app, entry);
}

async function withVite(page: (typeof PAGES)[number]): Promise<string> {
  const outDir = join(work, 'out-vite', page.name);
  const result = await viteBuild({
    root: app,
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: join(app, `${page.name}.html`) } },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const entry = outputs.find((o) => o.type === 'chunk' && o.isEntry)!;
  return join(outDir, entry.fileName);
}

const cdnDir = join(ROOT, 'packages/widgets/dist/cdn');
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const rows: Record<string, string | number>[] = [];
const figures: Record<string, unknown>[] = [];
for (const page of PAGES) {
  const cdn = weigh(join(cdnDir, page.cdn));
  rows.push({ page: page.name, build: `CDN ${page.cdn}`, 'KB gzip up front': kb(cdn.initial), 'KB gzip on use': kb(cdn.later), 'vs CDN': '1.00×' });
  for (const [bundler, bundle] of [['esbuild', withEsbuild], ['vite', withVite]] as const) {
    const size = weigh(await bundle(page));
    rows.push({ page: page.name, build: `npm + ${bundler}`, 'KB gzip up front': kb(size.initial), 'KB gzip on use': kb(size.later), 'vs CDN': `${(size.initial / cdn.initial).toFixed(2)}×` });
    figures.push({ page: page.name, bundler, initialBytes: size.initial, laterBytes: size.later, cdnBytes: cdn.initial, ratio: size.initial / cdn.initial });
  }
}

const esbuildVersion = createRequire(import.meta.url)('esbuild/package.json').version as string;
console.log(`\nA page importing casekit from the packed npm packages (esbuild ${esbuildVersion}, Vite ${viteVersion}), against the CDN build of the same run\n`);
console.log(table(rows));
saveResult('bundle-size', { esbuild: esbuildVersion, vite: viteVersion, figures });
if (options.keep) console.log(`\nkept ${relative(process.cwd(), work) || work}`);
else rmSync(work, { recursive: true, force: true });
