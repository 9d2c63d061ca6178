import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** Loads an entry in a fresh Node process that refuses to resolve zod; returns the refusal, if any. */
function loadWithoutZod(entry: string): string | null {
  const script = `
    import { registerHooks } from 'node:module';
    registerHooks({
      resolve(specifier, context, next) {
        if (specifier === 'zod' || specifier.startsWith('zod/')) throw new Error('zod imported by ' + context.parentURL);
        return next(specifier, context);
      },
    });
    await import(${JSON.stringify(new URL(entry, import.meta.url).href)});`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return child.status === 0 ? null : child.stderr;
}

describe('entry points', () => {
  it('the package root loads without zod, so browser bundles never carry the schemas', () => {
    assert.equal(loadWithoutZod('./index.ts'), null);
  });

  it('the schemas live in @casekit/protocol/schemas, which needs zod', () => {
    assert.match(loadWithoutZod('./schemas.ts') ?? '', /zod imported by/);
  });
});
