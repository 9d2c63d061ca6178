import { Readable } from 'node:stream';
import { createApiService, readJsonBody, sizeInBytes, type ApiAnswer, type ApiCall, type ApiServiceOptions } from '@casekit/api';
import { CasekitError, type RouteName } from '@casekit/protocol';
import { ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { Router, type Request, type Response } from 'express';
import { createApiDocsRouter } from './api-docs.ts';
import { toCasekitError } from './internal/http.ts';

export interface ApiRouterOptions extends ApiServiceOptions {
  /** Largest accepted JSON body (bytes or a size such as "1mb"); default 1 MB. */
  bodyLimit?: number | string;
}

/** Writes an answer of the API service to an Express response. */
function send(req: Request, res: Response, answer: ApiAnswer): void {
  if (res.headersSent) return;
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (!req.complete) {
    // A refused body has not all arrived: let the client finish sending, then hang up.
    res.setHeader('Connection', 'close');
    req.resume();
  }
  if (answer.file) {
    const stream = answer.file instanceof Readable ? answer.file : Readable.from(answer.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return;
  }
  res.end(JSON.stringify(answer.json));
}

/** A request header as one string (repeated headers joined), or undefined. */
function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The `/api/v1` router: every route of `ROUTES` through the API service (`@casekit/api`), which
 * authenticates, validates with the route's schemas, changes state only through the engine and
 * answers `{ error }` bodies for every failure.
 * @example app.use('/api/v1', createApiRouter({ store, engine, auth, workspaceId: 'demo' }))
 */
export function createApiRouter(options: ApiRouterOptions): Router {
  const api = createApiService(options);
  const bodyLimit = sizeInBytes(options.bodyLimit, 1024 * 1024);
  const router = Router({ caseSensitive: true, strict: false });

  router.get('/openapi.json', (_req, res) => void res.json(api.openApiDocument));
  router.use(createApiDocsRouter());

  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const route: RouteDef = ROUTES[name];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    router[method](route.path, async (req: Request, res: Response) => {
      const call: ApiCall = {
        header: (name) => header(req, name),
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        readBody: () =>
          readJsonBody(
            {
              contentType: req.headers['content-type'],
              hasBody: req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0,
              chunks: req,
            },
            bodyLimit,
          ),
        ...(route.rawBody && { bytes: req }),
        // Behind a proxy, what `trust proxy` makes of X-Forwarded-For.
        address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        basePath: req.baseUrl,
      };
      send(req, res, await api.handle(name, call));
    });
  }

  router.use((req, res) => {
    send(req, res, api.errorAnswer(new CasekitError('not_found', `No route ${req.method} ${req.baseUrl}${req.path}; see ${req.baseUrl}/openapi.json.`)));
  });
  router.use((error: unknown, req: Request, res: Response, _next: unknown) => {
    send(req, res, api.errorAnswer(toCasekitError(error) ?? error, { method: req.method, path: req.originalUrl }));
  });
  return router;
}
