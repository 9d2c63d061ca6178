import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { defineConfig } from 'tsup';

const entries = { index: 'src/index.ts' };

// ESM with declarations; dependencies (protocol, socket.io-client, idb…) stay external.
export default defineConfig({
  entry: entries,
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  sourcemap: true,
  treeshake: true,
  async onSuccess() {
    for (const name of Object.keys(entries)) {
      const code = readFileSync(`dist/${name}.js`);
      console.log(`@casekit/sdk ${name}.js: ${(code.length / 1024).toFixed(1)} KB, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} KB gzipped`);
    }
  },
});
