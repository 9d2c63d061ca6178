import type { RequestHandler } from 'express';

/**
 * Which web origins may call the API from a browser: the host sites that embed the chat or
 * the workbench when casekit runs on another origin. `'*'` allows any origin (tokens travel in
 * the Authorization header, never in cookies, so no credentials are shared).
 */
export type CorsOrigins = '*' | readonly string[];

const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
const EXPOSED_HEADERS = ['idempotent-replayed', 'retry-after', 'location', 'content-disposition'];
const METHODS = 'GET, POST, PATCH, PUT, DELETE';
const MAX_AGE_SECONDS = 600;

/** `https://Example.com:443/` → `https://example.com`; null for what is not an http(s) origin. */
export function normalizeOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** True when `origin` (as a browser sends it) may call the API. */
export function isOriginAllowed(origins: CorsOrigins, origin: string): boolean {
  if (origins === '*') return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== null && origins.includes(normalized);
}

/**
 * CORS for the API: answers preflights, and marks responses to allowed origins. A request
 * from an origin not on the list is still served (a browser then withholds the answer from
 * the page), except a preflight, which gets a 403 that says which setting to change.
 */
export function corsMiddleware(origins: CorsOrigins): RequestHandler {
  const allowed = origins === '*' ? '*' : origins.map((origin) => normalizeOrigin(origin) ?? origin);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return next();
    const ok = isOriginAllowed(allowed, origin);
    if (allowed !== '*') res.vary('Origin');
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', allowed === '*' ? '*' : origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight) return next();
    if (!ok) {
      res.status(403).json({
        error: {
          code: 'forbidden',
          message: `Origin ${origin} may not call this API; add it to the allowed origins (CASEKIT_CORS_ORIGINS in the reference server).`,
        },
      });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', String(MAX_AGE_SECONDS));
    res.vary('Access-Control-Request-Headers');
    res.status(204).end();
  };
}

/**
 * CORS for static files (the CDN widget files): listed origins, or any with `'*'`, may read them,
 * which a module `import()` from a host page on another origin needs. Preflights are not needed
 * for a plain GET and are left to the next handler.
 */
export function staticCorsHeaders(origins: CorsOrigins): RequestHandler {
  const allowed = origins === '*' ? '*' : origins.map((origin) => normalizeOrigin(origin) ?? origin);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (allowed === '*') res.setHeader('Access-Control-Allow-Origin', '*');
    else {
      res.vary('Origin');
      if (typeof origin === 'string' && isOriginAllowed(allowed, origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    }
    // Hosts that isolate themselves (COEP) may still embed these files.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  };
}
