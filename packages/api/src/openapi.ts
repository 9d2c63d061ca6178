import { DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TYPES, type RouteName } from '@casekit/protocol';
import * as schemas from '@casekit/protocol/schemas';
import { ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { z } from 'zod';
import { OPERATION_EXAMPLES } from './openapi-examples.ts';

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

const COMPONENTS = '#/components/schemas/';
const ref = (id: string) => ({ $ref: `${COMPONENTS}${id}` });

/**
 * The shared schemas: every object, enum and union the protocol exports (by its export name), and
 * any route body or response it does not name. Scalars and records stay inline, where a reader
 * sees their pattern; query and path schemas become parameters.
 */
function componentRegistry(): { registry: z.core.$ZodRegistry<{ id: string }>; idOf: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const add = (schema: z.ZodType, id: string) => {
    if (idOf.has(schema)) return;
    registry.add(schema, { id });
    idOf.set(schema, id);
  };
  for (const [name, value] of Object.entries(schemas)) {
    if (name.endsWith('Query') || !(value instanceof z.ZodObject || value instanceof z.ZodEnum || value instanceof z.ZodUnion || value instanceof z.ZodLazy)) continue;
    add(value, name);
  }
  const title = (name: string) => name[0]!.toUpperCase() + name.slice(1);
  for (const [name, route] of Object.entries(ROUTES) as [RouteName, RouteDef][]) {
    if (route.body) add(route.body, `${title(name)}Request`);
    if (!route.fileResponse) add(route.response, `${title(name)}Response`);
  }
  return { registry, idOf };
}

/** The `$ref`s a JSON schema holds, as component ids. */
function refsIn(json: unknown): string[] {
  const text = JSON.stringify(json);
  return [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
}

/** Everything reachable from `roots` through `$ref`s in `defs`. */
function reachable(roots: Iterable<string>, defs: Record<string, unknown>): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const next of refsIn(defs[id])) visit(next);
  };
  for (const id of roots) visit(id);
  return seen;
}

/**
 * Component schemas, written once: responses as sent, request bodies as accepted. A schema that
 * reads differently as input (defaults, unknown keys allowed) and is used both ways gets a second
 * component named `…Input`. Schemas no route uses are left out.
 */
function buildComponents(): { components: Record<string, JsonSchema>; idOf: Map<z.ZodType, string>; inputIdOf: (id: string) => string } {
  const { registry, idOf } = componentRegistry();
  const convert = (io: 'input' | 'output', uri: (id: string) => string) => {
    const { schemas: defs } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', unrepresentable: 'any', uri });
    for (const def of Object.values(defs) as JsonSchema[]) {
      delete def.$schema;
      delete def.$id;
    }
    return defs as Record<string, JsonSchema>;
  };
  const output = convert('output', (id) => `${COMPONENTS}${id}`);
  const plainInput = convert('input', (id) => `${COMPONENTS}${id}`);
  const bodies = new Set(Object.values(ROUTES).flatMap((route: RouteDef) => (route.body ? [idOf.get(route.body)!] : [])));
  const responses = new Set(Object.values(ROUTES).flatMap((route: RouteDef) => (route.fileResponse ? [] : [idOf.get(route.response)!])));
  // Every error answer is an ErrorBody.
  const sent = reachable([...responses, 'ErrorBody'], output);
  const accepted = reachable(bodies, plainInput);
  // A schema reads differently as input when its own JSON differs or it refers to one that does.
  const differs = new Set([...accepted].filter((id) => JSON.stringify(output[id]) !== JSON.stringify(plainInput[id])));
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of accepted) {
      if (differs.has(id) || !refsIn(plainInput[id]).some((r) => differs.has(r))) continue;
      differs.add(id);
      grew = true;
    }
  }
  const inputIdOf = (id: string) => (differs.has(id) && sent.has(id) ? `${id}Input` : id);
  const input = convert('input', (id) => `${COMPONENTS}${inputIdOf(id)}`);
  const components: Record<string, JsonSchema> = {};
  for (const id of Object.keys(output).sort()) {
    if (sent.has(id)) components[id] = output[id]!;
    if (accepted.has(id)) components[inputIdOf(id)] = input[id]!;
  }
  return { components, idOf, inputIdOf };
}

/** A JSON body: its schema and, where the route has one, its example. */
function jsonContent(schema: JsonSchema, example: unknown): Record<string, unknown> {
  return { 'application/json': { schema, ...(example !== undefined && { example }) } };
}

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from `ROUTES`: entities and bodies are shared
 * components (`#/components/schemas/Case`, …), request shapes as accepted and responses as sent,
 * and every operation carries a worked example.
 * @example res.json(createOpenApiDocument({ serverUrl: 'https://support.example.com/api/v1' }))
 */
export function createOpenApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const { components, idOf, inputIdOf } = buildComponents();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(ROUTES) as [RouteName, RouteDef][]) {
    const route: RouteDef = def;
    const example: { params?: Record<string, unknown>; query?: Record<string, unknown>; request?: unknown; response?: unknown } = OPERATION_EXAMPLES[name];
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema, values] of [
      ['path', route.params, example.params],
      ['query', route.query, example.query],
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
          ...(values?.[param] !== undefined && { example: values[param] }),
        });
      }
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Repeating a request with the same key within 24 hours replays the first answer; another body with the same key gets 409. After 24 hours the key is new again.',
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
        : { description: route.summary, content: jsonContent(ref(idOf.get(route.response)!), example.response) },
    };
    for (const code of errorCodesFor(route)) {
      responses[String(code)] = {
        description: (route.rawBody && UPLOAD_ERROR_DESCRIPTIONS[code]) || ERROR_DESCRIPTIONS[code] || 'Error',
        content: { 'application/json': { schema: ref('ErrorBody') } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: route.summary,
      tags: [route.path.split('/')[1] ?? 'default'],
      ...(parameters.length > 0 && { parameters }),
      ...(route.body && {
        requestBody: { required: true, content: jsonContent(ref(inputIdOf(idOf.get(route.body)!)), example.request) },
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
      schemas: components,
      securitySchemes: {
        agentToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /auth/login or your identity provider' },
        visitorToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /visitor/sessions' },
      },
    },
  };
}
