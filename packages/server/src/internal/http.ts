import { createHash } from 'node:crypto';
import { CasekitError, type FieldIssue } from '@casekit/protocol';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from '../types.ts';

/** The bearer token of a request, or '' when there is none. */
export function bearerToken(req: Request): string {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export function validationError(issues: FieldIssue[]): CasekitError {
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new CasekitError('validation_failed', `Invalid request: ${summary}${more}.`, { details: { issues } });
}

function formatBytes(limit: number | string): string {
  return typeof limit === 'number' ? `${limit} bytes` : limit;
}

/** Parses a JSON body with a size limit; 415 for another content type, errors typed as CasekitError. */
export function createJsonBodyReader(limit: number | string): (req: Request, res: Response) => Promise<void> {
  const parser = express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
  return async (req, res) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      throw new CasekitError(
        'unsupported_media_type',
        `Send the body as JSON with "Content-Type: application/json" (got ${JSON.stringify(req.headers['content-type'] ?? 'none')}).`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      parser(req, res, (error?: unknown) => (error ? reject(toCasekitError(error, limit)) : resolve()));
    });
  };
}

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  message?: unknown;
  limit?: unknown;
}

/** Maps body-parser, router and our own errors to CasekitError; null when it is a real fault. */
export function toCasekitError(error: unknown, limit?: number | string): CasekitError | null {
  if (error instanceof CasekitError) return error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as HttpishError;
  switch (e.type) {
    case 'entity.parse.failed':
      return new CasekitError('invalid_json', `The body is not valid JSON (${String(e.message)}); send a JSON object.`, { cause: error });
    case 'entity.too.large':
      return new CasekitError('payload_too_large', `The body is larger than the limit of ${formatBytes(limit ?? Number(e.limit))}.`, {
        cause: error,
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new CasekitError('unsupported_media_type', `${String(e.message)}; send UTF-8 JSON.`, { cause: error });
  }
  const status = Number(e.status ?? e.statusCode);
  if (status >= 400 && status < 500) {
    if (status === 413) return new CasekitError('payload_too_large', 'The request is too large.', { cause: error });
    return new CasekitError('bad_request', `The request could not be read: ${String(e.message ?? 'malformed request')}.`, { cause: error });
  }
  return null;
}

/** Sends a CasekitError as `{ error: { code, message, details } }`. */
export function sendError(res: Response, error: CasekitError): void {
  if (res.headersSent) return;
  if (error.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(error.status).json(error.toBody());
}

/** The last middleware: typed errors keep their status; anything else is logged and becomes 500. */
export function createErrorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = toCasekitError(error);
    if (known) return sendError(res, known);
    logger.error('request failed', {
      method: req.method,
      path: req.originalUrl,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    sendError(res, new CasekitError('internal', 'Something went wrong on our side; it has been logged.'));
  };
}

/** JSON with sorted keys, so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hash of what a request asks for: method, path and body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(body)}`).digest('hex');
}

/** Runs calls with the same key one after another (within this process). */
export function createKeyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
