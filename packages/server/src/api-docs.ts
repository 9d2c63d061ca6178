import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiReference } from '@scalar/express-api-reference';
import { Router } from 'express';

/**
 * Scalar's browser bundle from `@scalar/api-reference`, when the app installs it: the reference
 * then loads nothing from another host. Without it, Scalar loads its bundle from its own CDN.
 */
function localScalarBundle(): string | null {
  try {
    const file = join(dirname(fileURLToPath(import.meta.resolve('@scalar/api-reference'))), 'browser', 'standalone.js');
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

// Scripts and styles from this server only; requests made with "Test Request" go to this server too.
const SELF_ONLY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:";

/**
 * The interactive API reference at `/docs` (Scalar, with "Test Request"), over `openapi.json`
 * beside it; mounted by `createApiRouter`.
 */
export function createApiDocsRouter(): Router {
  const router = Router({ caseSensitive: true, strict: false });
  const bundle = localScalarBundle();
  const page = apiReference({
    url: 'openapi.json',
    pageTitle: 'casekit API reference',
    // Both are relative to /docs, so the reference works wherever the router is mounted.
    ...(bundle && { cdn: 'docs/scalar.js' }),
    // Nothing leaves for another host: no web fonts, no telemetry, no hosted AI chat.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    hideClientButton: false,
  });
  router.get('/docs', (req, res, next) => {
    // Relative links resolve against /api/v1/docs/ otherwise.
    if (req.originalUrl.split('?')[0]?.endsWith('/')) return void res.redirect(301, `${req.baseUrl}/docs`);
    if (bundle) res.setHeader('Content-Security-Policy', SELF_ONLY);
    page(req as never, res, next);
  });
  if (bundle) {
    router.get('/docs/scalar.js', (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      // dotfiles: pnpm keeps packages under node_modules/.pnpm.
      res.sendFile(bundle, { dotfiles: 'allow', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
    });
  }
  return router;
}
