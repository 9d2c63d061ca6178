import type { Request, RequestHandler } from 'express';
import type { WebhookRunner } from '@casekit/api';
import { errorText, type Logger } from './types.ts';

/** Webhook bodies past this are refused with 413 (an email with attachments fits). */
const DEFAULT_LIMIT = 30 * 1024 * 1024;

/** The body's bytes exactly as they arrived, or null past `limit`. */
async function rawBody(req: Request, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Header names in lower case; a repeated header joined with ", ". */
function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/**
 * `/webhooks/:channelId` for Express: hands the raw bytes to the runner, which verifies before
 * anything is parsed. Mount it before any body parser.
 */
export function webhookRoute(runner: WebhookRunner, logger: Logger, limit = DEFAULT_LIMIT): RequestHandler {
  return (req, res) => {
    void (async () => {
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await rawBody(req, limit);
      if (body === null) {
        res.status(413).json({ error: { code: 'payload_too_large', message: `Webhook bodies are limited to ${limit} bytes.` } });
        req.resume();
        return;
      }
      const query = req.originalUrl.indexOf('?');
      const reply = await runner.handle({
        method: req.method,
        channelId: String(req.params.channelId),
        search: query === -1 ? '' : req.originalUrl.slice(query),
        headers: headersOf(req),
        body,
      });
      res.status(reply.status);
      if (reply.contentType) res.type(reply.contentType);
      res.send(reply.body ?? '');
    })().catch((error: unknown) => {
      logger.error('webhook failed', { error: errorText(error) });
      if (!res.headersSent) res.status(503).json({ error: { code: 'unavailable', message: 'The webhook could not be handled now; send it again.' } });
    });
  };
}
