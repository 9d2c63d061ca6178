import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_HOOK_BYTES } from './hooks.ts';
import type { SplynxSync } from './sync.ts';

/**
 * A Node request handler for Splynx hook deliveries (Config → Integrations → Hooks, type
 * webhook): it reads the raw body (up to 1 MB), hands it to `sync.receiveHook` and answers.
 * Mount it before any body parser, e.g. `app.post('/integrations/splynx/hooks', splynxHookHandler(sync))`.
 */
export function splynxHookHandler(sync: Pick<SplynxSync, 'receiveHook'>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const answer = (status: number, body: unknown) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return answer(405, { error: { code: 'method_not_allowed', message: 'Splynx hooks are POSTed.' } });
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HOOK_BYTES) {
        answer(413, { error: { code: 'too_large', message: `The hook body is over ${MAX_HOOK_BYTES} bytes.` } });
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_HOOK_BYTES) return;
      const signature = req.headers['x-splynx-signature'];
      sync
        .receiveHook({ body: Buffer.concat(parts), signature: Array.isArray(signature) ? signature[0] : signature, contentType: req.headers['content-type'] })
        .then(
          (result) => answer(result.status, result.body),
          () => answer(503, { error: { code: 'unavailable', message: 'The hook could not be taken now; Splynx may send it again.' } }),
        );
    });
    req.on('error', () => answer(400, { error: { code: 'bad_request', message: 'The hook body could not be read.' } }));
  };
}
