// Browser bundles for @casekit/widgets and the example pages.
//   packages/widgets/dist/*.js            ESM per element, dependencies left to the host's bundler
//   packages/widgets/dist/cdn/            self-contained files for a <script> tag:
//     casekit-chat.js        tiny loader: placeholder launcher, imports the full chat on use or idle
//     casekit-chat.full.js   the full chat (Lit, SDK, realtime), and the chunks it loads on use
//     casekit-workbench.js   the agent workbench, a classic script (also fine with type="module")
//   examples/dist/                        the CRM example bundle and copies of the CDN files
// Every output's gzipped size is printed at the end of the build.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const widgets = join(root, 'packages/widgets');
const examples = join(root, 'examples');
// The build tools are devDependencies of @casekit/widgets; resolve them from there.
const require = createRequire(join(widgets, 'package.json'));
const { nodeResolve } = require('@rollup/plugin-node-resolve');
const esbuild = require('rollup-plugin-esbuild').default;
const terser = require('@rollup/plugin-terser');
const commonjs = require('@rollup/plugin-commonjs');

// Chunk names carry a hash: clear the last build's so no stale chunk ships next to the new ones.
for (const dir of [join(widgets, 'dist/cdn'), join(widgets, 'dist/chunks'), join(examples, 'dist')]) rmSync(dir, { recursive: true, force: true });

const tsconfig = join(widgets, 'tsconfig.json');
const source = (...p) => join(widgets, 'src', ...p);
const ELEMENTS = ['chat', 'inbox', 'timeline', 'composer', 'case', 'workbench', 'channel-settings'];

/**
 * Applies a package's `browser` map to its own relative imports: node-resolve skips it for
 * packages with `exports`, which pulled engine.io-client's Node transport (and an XHR polyfill).
 */
function browserField() {
  const cache = new Map();
  const pkgOf = (dir) => {
    for (let d = dir; d !== dirname(d); d = dirname(d)) {
      if (cache.has(d)) return cache.get(d);
      if (existsSync(join(d, 'package.json'))) {
        const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
        const entry = pkg.name ? { dir: d, map: typeof pkg.browser === 'object' ? pkg.browser : null } : null;
        if (entry) {
          cache.set(d, entry);
          return entry;
        }
      }
    }
    return null;
  };
  return {
    name: 'casekit-browser-field',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.') || !importer.includes('node_modules')) return null;
      const pkg = pkgOf(dirname(importer));
      if (!pkg?.map) return null;
      const key = './' + relative(pkg.dir, resolvePath(dirname(importer), source)).replaceAll('\\', '/');
      const mapped = pkg.map[key];
      if (mapped === false) return { id: '\0casekit-empty', moduleSideEffects: false };
      return typeof mapped === 'string' ? join(pkg.dir, mapped) : null;
    },
    load(id) {
      return id === '\0casekit-empty' ? 'export default {};' : null;
    },
  };
}

/** Our packages resolve to their TypeScript source; third-party ones to their browser builds. */
const resolve = () => [
  browserField(),
  nodeResolve({ browser: true, exportConditions: ['casekit-source', 'browser', 'module', 'import', 'default'], extensions: ['.ts', '.js', '.mjs'] }),
];
// eventemitter3's ESM entry wraps its CommonJS build.
const cjs = () => commonjs({ include: /node_modules/ });
/** TypeScript to JavaScript, then the templates' whitespace trimmed (a plugin array: Rollup flattens it). */
const compile = () => [esbuild({ target: 'es2022', tsconfig, minify: false, legalComments: 'none' }), minifyTemplates()];
/**
 * Drops what a minifier leaves in Lit templates: the indentation of `html`, `svg` and `css`
 * templates and the comments of `css` ones. Every newline stays (HTML and CSS read it as the
 * space it replaces), so lines keep their numbers and the source maps stay right.
 */
function minifyTemplates() {
  const TAGS = new Set(['html', 'svg', 'css']);
  const keepNewlines = (text) => text.replace(/[^\n]+/g, '');
  // Our styles hold no quoted text, so `prop: value`, `a, b {` and a rule's last `;` can lose their spaces safely.
  const tightenCss = (text) =>
    text
      .split('\n')
      .map((line) => line.replace(/^(--?[\w-]+|[a-z-]+): /, '$1:').replace(/, /g, ',').replace(/ \{$/, '{'))
      .join('\n')
      .replace(/;(\n\})/g, '$1');
  return {
    name: 'casekit-minify-templates',
    transform(code, id) {
      if (!id.startsWith(source()) || !/\b(html|svg|css)`/.test(code)) return null;
      const edits = [];
      const visit = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && TAGS.has(node.tag.name)) {
          for (const quasi of node.quasi.quasis) {
            const raw = code.slice(quasi.start, quasi.end);
            const css = node.tag.name === 'css';
            const trimmed = (css ? raw.replace(/\/\*[\s\S]*?\*\//g, keepNewlines) : raw).replace(/[ \t]*\n[ \t]*/g, '\n');
            const text = css ? tightenCss(trimmed) : trimmed;
            if (text !== raw) edits.push({ start: quasi.start, end: quasi.end, text });
          }
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object') visit(value);
        }
      };
      visit(this.parse(code));
      if (!edits.length) return null;
      let out = '';
      let at = 0;
      for (const edit of edits.sort((a, b) => a.start - b.start)) {
        out += code.slice(at, edit.start) + edit.text;
        at = edit.end;
      }
      // Only spaces inside templates went, so every line still holds the code it held: the map stays.
      return { code: out + code.slice(at), map: null };
    },
  };
}
// Lit's `svg` tag only builds a template object: icons nobody draws are dropped from each bundle.
const treeshake = { manualPureFunctions: ['svg'] };
// `module: false` for a script whose top-level name is its interface (it must not be dropped or renamed).
const minify = ({ module = true } = {}) => terser({ ecma: 2022, module, compress: { passes: 2 }, format: { comments: false } });

const sizes = [];
/** Records the raw and gzip -9 size of every chunk written. */
function reportSizes() {
  return {
    name: 'casekit-sizes',
    writeBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const path = relative(root, join(options.dir ?? dirname(options.file), file.fileName));
        sizes.push({ path, raw: Buffer.byteLength(file.code), gzip: gzipSync(file.code, { level: 9 }).length });
      }
    },
  };
}
function printSizes() {
  return {
    name: 'casekit-print-sizes',
    closeBundle() {
      const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
      const width = Math.max(...sizes.map((s) => s.path.length));
      console.log(`\n${'output'.padEnd(width)}  ${'minified'.padStart(9)}  ${'gzip -9'.padStart(9)}`);
      for (const s of sizes.sort((a, b) => a.path.localeCompare(b.path))) {
        console.log(`${s.path.padEnd(width)}  ${kb(s.raw).padStart(9)}  ${kb(s.gzip).padStart(9)}`);
      }
    },
  };
}
/** Copies the CDN chat files (and their chunks) next to the example pages so they work from any static server. */
function copyToExamples() {
  return {
    name: 'casekit-copy-to-examples',
    writeBundle(options, bundle) {
      mkdirSync(join(examples, 'dist'), { recursive: true });
      for (const f of Object.keys(bundle)) copyFileSync(join(options.dir ?? dirname(options.file), f), join(examples, 'dist', f));
    },
  };
}

/** msw's worker script, served from the CRM folder so its scope covers the page. */
function copyMockWorker() {
  return {
    name: 'casekit-copy-mock-worker',
    writeBundle() {
      const worker = createRequire(join(examples, 'package.json')).resolve('msw/mockServiceWorker.js');
      copyFileSync(worker, join(examples, 'crm/mockServiceWorker.js'));
    },
  };
}

const onwarn = (warning, warn) => {
  // msw and socket.io-client use `this` at module top level in code paths we never reach.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
  warn(warning);
};

export default [
  // ESM per element for bundlers: lit, @lit/context and the SDK stay external.
  {
    input: Object.fromEntries([['index', source('index.ts')], ...ELEMENTS.map((e) => [e, source(e, `${e}.ts`)])]),
    external: (id) => /^(lit|@lit\/|@lit-labs\/|@casekit\/)/.test(id),
    plugins: [resolve(), cjs(), compile(), reportSizes()],
    output: { dir: join(widgets, 'dist'), format: 'es', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    treeshake,
    onwarn,
  },
  // The <script> loader: an IIFE small enough to put on every page.
  {
    input: source('chat', 'loader.ts'),
    plugins: [resolve(), cjs(), compile(), minify(), reportSizes(), copyToExamples()],
    output: { file: join(widgets, 'dist/cdn/casekit-chat.js'), format: 'iife' },
    treeshake,
    onwarn,
  },
  // The full chat in one file, which the loader imports; rarely used parts (the attachment picker and
  // file view, the leave-a-message form) are chunks beside it, loaded on use.
  {
    input: source('chat', 'chat.ts'),
    // The chunk may import from the chat itself instead of a second copy or a re-exporting facade.
    preserveEntrySignatures: 'allow-extension',
    plugins: [resolve(), cjs(), compile(), minify(), reportSizes(), copyToExamples()],
    output: {
      dir: join(widgets, 'dist/cdn'),
      entryFileNames: 'casekit-chat.full.js',
      chunkFileNames: 'casekit-chat-[name]-[hash].js',
      format: 'es',
    },
    treeshake,
    onwarn,
  },
  // The workbench in one self-contained file for hosts without a bundler: an IIFE, so a plain
  // <script src> works; its exports land on the global `casekitWorkbench`.
  {
    input: source('workbench', 'workbench.ts'),
    plugins: [resolve(), cjs(), compile(), minify({ module: false }), reportSizes()],
    output: { file: join(widgets, 'dist/cdn/casekit-workbench.js'), format: 'iife', name: 'casekitWorkbench', inlineDynamicImports: true },
    treeshake,
    onwarn,
  },
  // The CRM example: the workbench imported like any npm package, mock backend split out.
  {
    input: { crm: join(examples, 'crm/main.ts') },
    plugins: [resolve(), cjs(), compile(), minify(), reportSizes(), copyMockWorker(), printSizes()],
    output: { dir: join(examples, 'dist'), format: 'es', chunkFileNames: 'crm-[name]-[hash].js', sourcemap: true },
    treeshake,
    onwarn,
  },
];
