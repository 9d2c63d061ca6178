// Packs every package in packages/ the way `pnpm publish` would (publishConfig applied,
// workspace: ranges replaced by versions) and reads back what each tarball holds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** What the manifest of a package says, as far as these scripts read it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  publishConfig?: { access?: string; exports?: Record<string, unknown> };
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Folder name under packages/, e.g. `store-sqlite`. */
  folder: string;
  dir: string;
  manifest: Manifest;
}

export interface PackedPackage extends WorkspacePackage {
  tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
  /** The package.json a registry receives. */
  published: Manifest;
}

/** The publishable packages under packages/, in folder order. */
export function listPackages(): WorkspacePackage[] {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .filter((folder) => existsSync(join(base, folder, 'package.json')))
    .map((folder) => ({ folder, dir: join(base, folder), manifest: JSON.parse(readFileSync(join(base, folder, 'package.json'), 'utf8')) as Manifest }))
    .filter((pkg) => !pkg.manifest.private);
}

/** Packs the built packages into `destination`; run `pnpm build` first. */
export function packPackages(destination: string): PackedPackage[] {
  return listPackages().map((pkg) => {
    const missing = Object.values(pkg.manifest.publishConfig?.exports ?? pkg.manifest.exports ?? {})
      .flatMap((entry) => targets(entry))
      .filter((target) => !existsSync(join(pkg.dir, target)));
    if (missing.length > 0) throw new Error(`${pkg.manifest.name} is not built (${missing[0]} is missing): run \`pnpm build\` first.`);
    const out = execFileSync('pnpm', ['pack', '--pack-destination', destination, '--json'], { cwd: pkg.dir, encoding: 'utf8' });
    const { filename } = JSON.parse(out) as { filename: string };
    const tarball = join(destination, filename.split('/').at(-1)!);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, ''));
    const published = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
    return { ...pkg, tarball, files, published };
  });
}

/** Every file path an `exports` entry points at (`null` targets excluded). */
export function targets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  if (typeof entry !== 'object' || entry === null) return [];
  return Object.values(entry).flatMap((value) => targets(value));
}
