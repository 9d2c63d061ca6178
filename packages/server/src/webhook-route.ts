import type { Request, RequestHandler } from 'express';
import type { WebhookRunner } from '@casekit/api';
import { errorText, type Logger } from './types.ts';

/**
 * The body's bytes exactly as they arrived, or null past `limit`. Past it, the rest is read and
 * dropped rather than the stream torn down, so the client still hears the answer.
 */
function rawBody(req: Request, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.byteLength;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Header names in lower case; a repeated header joined with ", ". */
function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

/**
 * `/webhooks/:channelId` for Express: hands the raw bytes to the runner, which verifies before
 * anything is parsed; bodies past the channel's limit (1 MB, 30 MB for email) answer 413. Mount it
 * before any body parser.
 */
export function webhookRoute(runner: WebhookRunner, logger: Logger): RequestHandler {
  return (req, res) => {
    void (async () => {
      // An unknown or disabled channel is answered before a byte of the body is read.
      const admitted = await runner.admit(String(req.params.channelId));
      if ('reply' in admitted) {
        const { reply } = admitted;
        res.set('connection', 'close').status(reply.status);
        if (reply.contentType) res.type(reply.contentType);
        res.send(reply.body ?? '');
        return;
      }
      const { limit } = admitted;
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await rawBody(req, limit);
      if (body === null) {
        // The connection closes after the answer, so the rest of a huge upload is not waited for.
        res.set('connection', 'close').status(413).json({ error: { code: 'payload_too_large', message: `Webhook bodies of this channel are limited to ${limit} bytes.` } });
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
