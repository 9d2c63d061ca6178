// Browser tests for @casekit/widgets: real Chromium (Debian's), TypeScript through esbuild,
// msw's service worker served at the root so `@casekit/mocks` can answer the REST API in the page.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';

import { chromeLauncher } from '@web/test-runner-chrome';

const require = createRequire(import.meta.url);
const workerPath = require.resolve('msw/mockServiceWorker.js');
/** eventemitter3's ESM entry imports its CommonJS build; serve that build wrapped as a module. */
const eventemitter3Esm = {
  name: 'casekit-eventemitter3-esm',
  transform(context) {
    // engine.io-client's and engine.io-parser's `browser` maps (Node code -> browser code) are
    // skipped by node-resolve for packages with `exports`; apply them here as rollup.config.js does.
    if (context.path.includes('/engine.io-client/') && context.path.endsWith('.js')) {
      return { body: context.body.replace(/(["'])(\.{1,2}\/[^"']*?)\.node\.js\1/g, '$1$2.js$1') };
    }
    if (context.path.includes('/engine.io-parser/build/esm/') && context.path.endsWith('.js')) {
      return { body: context.body.replace(/(["'])\.\/(encodePacket|decodePacket)\.js\1/g, '$1./$2.browser.js$1') };
    }
    if (!/\/eventemitter3\/index\.js$/.test(context.path)) return undefined;
    return { body: `const module = { exports: {} }; const exports = module.exports;\n${context.body}\nexport default module.exports;` };
  },
};

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  rootDir: '../..',
  files: ['src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['casekit-source', 'browser'] },
  // One page at a time: the msw service worker is shared by every page of the origin.
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
      },
    }),
  ],
  plugins: [eventemitter3Esm, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: new URL('./tsconfig.json', import.meta.url).pathname })],
  middleware: [
    async (ctx, next) => {
      if (ctx.path === '/mockServiceWorker.js') {
        ctx.type = 'application/javascript';
        ctx.body = await readFile(workerPath, 'utf8');
        return;
      }
      return next();
    },
  ],
};
