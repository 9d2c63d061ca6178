import { CasekitError } from '@casekit/protocol';
import express, { type Request, type Response } from 'express';

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

