// `pnpm lint:packages`, after the build and publint: packs every package and checks what a
// registry would receive: the published `exports` name shipped files only (no `casekit-source`,
// which points at src/), ranges between our packages are semver, LICENSE and README ship, the
// metadata is there, and the types resolve under TypeScript's `bundler` and `nodenext` (attw).
import { execFile } from 'node:child_process';
import { isDeepStrictEqual, promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackages, ROOT, targets, type PackedPackage } from './pack-packages.ts';

const run = promisify(execFile);
const REPOSITORY = 'git+https://github.com/casekit/casekit.git';

/** `exports` as published: the workspace's map without the `casekit-source` conditions. */
function withoutSource(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'casekit-source').map(([key, inner]) => [key, withoutSource(inner)]));
}

function problemsOf(pkg: PackedPackage, license: string): string[] {
  const problems: string[] = [];
  const { manifest, published, files } = pkg;
  const expected = withoutSource(manifest.exports);
  if (!isDeepStrictEqual(manifest.publishConfig?.exports, expected)) {
    problems.push(`publishConfig.exports must be \`exports\` without the casekit-source conditions:\n${JSON.stringify(expected, null, 2)}`);
  }
  // A scoped package is published private (and refused without a paid plan) unless it says public.
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access must be "public"');
  const text = JSON.stringify(published);
  if (text.includes('casekit-source')) problems.push('the published package.json still names casekit-source');
  if (text.includes('workspace:')) problems.push('the published package.json still has a workspace: range');
  for (const target of targets(published.exports)) {
    if (!files.includes(target.replace(/^\.\//, ''))) problems.push(`exports point at ${target}, which is not in the tarball`);
  }
  if (files.some((file) => file.startsWith('src/'))) problems.push('src/ is in the tarball');
  for (const [name, range] of Object.entries({ ...published.dependencies, ...published.peerDependencies })) {
    if (name.startsWith('@casekit/') && !range.startsWith('^')) problems.push(`${name} is pinned to ${range}; use workspace:^`);
  }
  if (!files.includes('README.md')) problems.push('no README.md');
  if (!files.includes('LICENSE')) problems.push('no LICENSE');
  else if (readFileSync(join(pkg.dir, 'LICENSE'), 'utf8') !== license) problems.push('LICENSE differs from the one at the root');
  if (published.repository?.url !== REPOSITORY || published.repository.directory !== `packages/${pkg.folder}`) {
    problems.push(`repository must be { "type": "git", "url": "${REPOSITORY}", "directory": "packages/${pkg.folder}" }`);
  }
  if (!published.homepage || !published.bugs?.url) problems.push('homepage or bugs is missing');
  return problems;
}

/**
 * attw on the tarball. The packages are ESM only ("type": "module", no `require` condition), so
 * the `esm-only` profile leaves out the two resolutions that only CommonJS callers use (node10,
 * node16 from CJS); `bundler` and `node16` from ESM (= nodenext) must be clean.
 */
async function typesProblems(pkg: PackedPackage): Promise<string[]> {
  const attw = join(ROOT, 'node_modules/.bin/attw');
  try {
    await run(attw, [pkg.tarball, '--profile', 'esm-only', '--format', 'ascii'], { maxBuffer: 16 * 1024 * 1024 });
    return [];
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return [`are the types wrong:\n${stdout}${stderr}`];
  }
}

const destination = mkdtempSync(join(tmpdir(), 'casekit-pack-'));
try {
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  const packed = packPackages(destination);
  const found = new Map<string, string[]>(packed.map((pkg) => [pkg.manifest.name, problemsOf(pkg, license)]));
  // Two at a time: attw loads TypeScript for each tarball.
  const queue = [...packed];
  await Promise.all(
    [0, 1].map(async () => {
      for (let pkg = queue.shift(); pkg; pkg = queue.shift()) found.get(pkg.manifest.name)!.push(...(await typesProblems(pkg)));
    }),
  );
  let failed = 0;
  for (const [name, problems] of found) {
    if (problems.length === 0) {
      console.log(`ok   ${name}`);
      continue;
    }
    failed += 1;
    console.log(`FAIL ${name}`);
    for (const problem of problems) console.log(`  - ${problem.replaceAll('\n', '\n    ')}`);
  }
  console.log(`packages: ${packed.length - failed} ok, ${failed} with problems`);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  rmSync(destination, { recursive: true, force: true });
}
