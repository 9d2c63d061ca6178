import { DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TYPES } from '@casekit/protocol';
import { ErrorBody, ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { z } from 'zod';

export interface OpenApiOptions {
  title?: string;
  version?: string;
  /** Base URL of the API as clients reach it (default `/api/v1`). */
  serverUrl?: string;
}

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 of a zod schema, as OpenAPI 3.1 embeds it. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override(ctx) {
      // Query lists are preprocessed (comma-separated strings); describe what they accept.
      const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; in?: { _zod?: { def?: { type?: string } } }; out?: z.ZodType } } })._zod?.def;
      if (io === 'input' && def?.type === 'pipe' && def.in?._zod?.def?.type === 'transform' && def.out) {
        const out = z.toJSONSchema(def.out, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
        delete out.$schema;
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
        Object.assign(ctx.jsonSchema, {
          description: 'One value or a comma-separated list',
          anyOf: [{ type: 'string' }, out],
        });
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, invalid fields (`details.issues`) or a bad cursor',
  401: 'Missing, forged or expired token',
  403: 'Your role may not do this',
  404: 'No such resource in this workspace',
  409: 'Stale version or a reused Idempotency-Key',
  413: 'Body larger than the limit',
  415: 'Body is not JSON',
  422: 'The case cannot move to that status',
  503: 'File uploads are not set up on this server',
};
const UPLOAD_ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'No file name (`query.name`), an empty file, or attachments that are not uploads of yours',
  413: 'The file is larger than the limit (`details.limit`)',
  415: 'The file type is not accepted, or its bytes do not match its Content-Type',
};

function errorCodesFor(route: RouteDef): number[] {
  const codes = new Set<number>();
  if (route.params || route.query || route.body) codes.add(400);
  if (route.auth !== 'none') codes.add(401);
  if (route.role) codes.add(403);
  if (route.params || route.auth === 'visitor') codes.add(404);
  if (route.body || route.rawBody) {
    codes.add(413);
    codes.add(415);
  }
  if (route.rawBody || route.fileResponse) codes.add(503);
  if (route.idempotent || route.path === '/cases/:caseId') codes.add(409);
  if (route.path.startsWith('/cases/:caseId') && route.method !== 'GET') codes.add(422);
  return [...codes].sort();
}

function securityOf(route: RouteDef): Record<string, string[]>[] {
  switch (route.auth) {
    case 'agent':
      return [{ agentToken: [] }];
    case 'visitor':
      return [{ visitorToken: [] }];
    // Anonymous or with a visitor token (an empty requirement makes auth optional).
    case 'visitor-optional':
      return [{}, { visitorToken: [] }];
    default:
      return [];
  }
}

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from `ROUTES` (request shapes as accepted,
 * response shapes as sent).
 * @example res.json(createOpenApiDocument({ serverUrl: 'https://support.example.com/api/v1' }))
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(ROUTES)) {
    const route: RouteDef = def;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input');
      const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [param, paramSchema] of Object.entries(properties)) {
        parameters.push({
          name: param,
          in: where,
          required: where === 'path' || (required.has(param) && !('default' in paramSchema)),
          schema: paramSchema,
          ...(typeof paramSchema.description === 'string' && { description: paramSchema.description }),
        });
      }
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Repeating a request with the same key replays the first answer; another body with the same key gets 409.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: route.fileResponse
        ? {
            description: `${route.summary}. Images are sent inline, other files as attachments; always with nosniff.`,
            content: { '*/*': { schema: {} } },
          }
        : {
            description: route.summary,
            content: { 'application/json': { schema: toSchema(route.response, 'output') } },
          },
    };
    for (const code of errorCodesFor(route)) {
      responses[String(code)] = {
        description: (route.rawBody && UPLOAD_ERROR_DESCRIPTIONS[code]) || ERROR_DESCRIPTIONS[code] || 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: route.summary,
      tags: [route.path.split('/')[1] ?? 'default'],
      ...(parameters.length > 0 && { parameters }),
      ...(route.body && {
        requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
      }),
      ...(route.rawBody && {
        requestBody: {
          required: true,
          description: `The file's bytes, with the file's type as Content-Type. By default at most ${DEFAULT_UPLOAD_MAX_BYTES / 1024 / 1024} MB of ${DEFAULT_UPLOAD_TYPES.join(', ')}; the server may be configured otherwise.`,
          content: Object.fromEntries(DEFAULT_UPLOAD_TYPES.map((type) => [type, { schema: {} }])),
        },
      }),
      responses,
      security: securityOf(route),
      ...(route.role && { 'x-casekit-role': route.role }),
    };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'casekit API',
      version: options.version ?? '0.1.0',
      description:
        'Omnichannel case management. Errors are `{ "error": { "code", "message", "details" } }`; lists use cursor pagination; creates accept `Idempotency-Key`.',
    },
    servers: [{ url: options.serverUrl ?? '/api/v1' }],
    paths,
    components: {
      schemas: { ErrorBody: toSchema(ErrorBody, 'output') },
      securitySchemes: {
        agentToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /auth/login or your identity provider' },
        visitorToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /visitor/sessions' },
      },
    },
  };
}

/** A self-contained HTML page that renders the OpenAPI document at `specUrl` (no external assets). */
export function renderApiDocsPage(specUrl = 'openapi.json'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casekit API reference</title>
<style>
  :root { color-scheme: light dark; --fg: #1c2330; --muted: #5b6473; --line: #d9dee7; --bg: #fff; --code: #f4f6fa; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa3b2; --line: #323a48; --bg: #141922; --code: #1d2430; } }
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
  header, main { max-width: 980px; margin: 0 auto; padding: 16px 20px; }
  h1 { margin: 8px 0 4px; font-size: 24px; }
  p.lead { color: var(--muted); margin: 0 0 8px; }
  input[type=search] { width: 100%; padding: 8px 10px; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
  h2 { font-size: 17px; margin: 24px 0 8px; text-transform: capitalize; }
  details { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
  summary { cursor: pointer; padding: 8px 10px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
  .method { font: 600 12px ui-monospace, monospace; padding: 2px 6px; border-radius: 4px; color: #fff; min-width: 48px; text-align: center; }
  .GET { background: #2f6fdb; } .POST { background: #1f8a4c; } .PATCH { background: #b26b00; } .PUT { background: #7a4fd1; } .DELETE { background: #c0392b; }
  .path { font-family: ui-monospace, monospace; }
  .summary { color: var(--muted); }
  .badge { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); }
  .body { padding: 0 12px 12px; }
  pre { background: var(--code); padding: 10px; border-radius: 6px; overflow: auto; font-size: 12.5px; max-height: 420px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  td, th { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
  code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<header>
  <h1 id="title">casekit API</h1>
  <p class="lead" id="description">Loading the OpenAPI document…</p>
  <label for="filter" class="summary">Filter operations</label>
  <input id="filter" type="search" placeholder="e.g. cases, visitor, POST" autocomplete="off">
</header>
<main id="ops" aria-live="polite"></main>
<script>
(async () => {
  const main = document.getElementById('ops');
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  };
  const json = (value) => el('pre', {}, JSON.stringify(value, null, 2));
  let doc;
  try {
    const res = await fetch(${JSON.stringify(specUrl)});
    if (!res.ok) throw new Error('HTTP ' + res.status);
    doc = await res.json();
  } catch (error) {
    document.getElementById('description').textContent = 'Could not load the OpenAPI document: ' + error.message;
    return;
  }
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  const description = document.getElementById('description');
  description.textContent = '';
  // Backticks in the description mark code.
  (doc.info.description + ' Base URL: \x60' + doc.servers[0].url + '\x60').split('\x60').forEach((part, i) => description.append(i % 2 ? el('code', {}, part) : part));
  const groups = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ path, method: method.toUpperCase(), op });
    }
  }
  for (const [tag, ops] of groups) {
    const section = el('section', { 'data-tag': tag }, el('h2', {}, tag));
    for (const { path, method, op } of ops) {
      const auth = op.security && op.security.length ? Object.keys(op.security[0])[0] : 'public';
      const summary = el('summary', {},
        el('span', { class: 'method ' + method }, method),
        el('span', { class: 'path' }, path),
        el('span', { class: 'summary' }, op.summary),
        el('span', { class: 'badge' }, op['x-casekit-role'] ? auth + ' · ' + op['x-casekit-role'] : auth));
      const body = el('div', { class: 'body' });
      if (op.parameters) {
        const table = el('table', {}, el('tr', {}, el('th', {}, 'Parameter'), el('th', {}, 'In'), el('th', {}, 'Required'), el('th', {}, 'Schema')));
        for (const p of op.parameters) {
          table.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.required ? 'yes' : 'no'), el('td', {}, el('code', {}, JSON.stringify(p.schema)))));
        }
        body.append(el('h3', {}, 'Parameters'), table);
      }
      // JSON bodies show their schema; file bodies their media types.
      const shown = (content) => (content['application/json'] ? json(content['application/json'].schema) : el('p', {}, Object.keys(content).join(', ')));
      if (op.requestBody) body.append(el('h3', {}, 'Request body'), ...(op.requestBody.description ? [el('p', {}, op.requestBody.description)] : []), shown(op.requestBody.content));
      for (const [status, response] of Object.entries(op.responses)) {
        if (response.content && !response.content['application/json']) {
          body.append(el('h3', {}, status + ' — ' + response.description), shown(response.content));
          continue;
        }
        const schema = response.content && response.content['application/json'].schema;
        body.append(el('h3', {}, status + ' — ' + response.description), json(schema && schema.$ref ? doc.components.schemas.ErrorBody : schema));
      }
      const details = el('details', { 'data-search': (method + ' ' + path + ' ' + op.summary + ' ' + tag).toLowerCase() }, summary, body);
      section.append(details);
    }
    main.append(section);
  }
  document.getElementById('filter').addEventListener('input', (event) => {
    const q = event.target.value.trim().toLowerCase();
    for (const details of main.querySelectorAll('details')) details.hidden = q !== '' && !details.dataset.search.includes(q);
    for (const section of main.querySelectorAll('section')) section.hidden = !section.querySelector('details:not([hidden])');
  });
})();
</script>
</body>
</html>
`;
}
