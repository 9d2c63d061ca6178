import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteName } from '@casekit/protocol';
import { ROUTES, type RouteDef } from '@casekit/protocol/schemas';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createOpenApiDocument } from './openapi.ts';
import { OPERATION_EXAMPLES } from './openapi-examples.ts';

interface MediaType {
  schema: { $ref?: string };
  example?: unknown;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; example?: unknown }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const doc = createOpenApiDocument() as unknown as Document;
const text = JSON.stringify(doc);
const operations = Object.values(doc.paths).flatMap((byMethod) => Object.values(byMethod));
const routeOf = (operation: Operation): RouteDef => ROUTES[operation.operationId as RouteName];
const success = (operation: Operation) => operation.responses[String(routeOf(operation).status)]!;

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document whose every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
    assert.deepEqual(result.errors ?? [], [], 'valid against the OpenAPI 3.1 schema');
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
    for (const [, id] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(id! in doc.components.schemas, `#/components/schemas/${id} exists`);
    }
  });

  it('shares entity schemas: Case, Message, Customer and Agent are written once and referenced', () => {
    for (const name of ['Case', 'Message', 'Customer', 'Agent', 'Conversation', 'CaseEvent', 'ErrorBody']) {
      assert.ok(doc.components.schemas[name], `${name} is a component`);
      assert.ok(text.includes(`"$ref":"#/components/schemas/${name}"`), `${name} is referenced`);
    }
    // Case's own properties appear in its component only, not inline in every answer that holds a case.
    const schemasOnly = JSON.stringify(doc, (key, value: unknown) => (key === 'example' ? undefined : value));
    assert.equal(schemasOnly.split('"lastActivityAt":{').length - 1, 1, 'Case is written once');
    assert.equal(schemasOnly.split('"providerMessageId":{').length - 1, 1, 'Message is written once');
    for (const operation of operations) {
      for (const media of Object.values(success(operation).content ?? {})) {
        if (!routeOf(operation).fileResponse) assert.match(media.schema.$ref ?? '', /^#\/components\/schemas\//, `${operation.operationId} answers a component`);
      }
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        if (routeOf(operation).body) assert.match(media.schema.$ref ?? '', /^#\/components\/schemas\//, `${operation.operationId} takes a component`);
      }
    }
  });

  it('has an example for every operation: its JSON body, its JSON answer, or its path values', () => {
    assert.equal(operations.length, Object.keys(ROUTES).length);
    for (const operation of operations) {
      const route = routeOf(operation);
      const name = operation.operationId;
      if (route.body) assert.ok(operation.requestBody!.content['application/json']!.example, `${name} has a request example`);
      if (!route.fileResponse) assert.ok(success(operation).content!['application/json']!.example, `${name} has a response example`);
      for (const param of operation.parameters ?? []) {
        if (param.in === 'path') assert.notEqual(param.example, undefined, `${name} has an example for {${param.name}}`);
      }
    }
  });

  it('every example is accepted by the schema it illustrates', () => {
    for (const [name, example] of Object.entries(OPERATION_EXAMPLES) as [RouteName, (typeof OPERATION_EXAMPLES)[RouteName]][]) {
      const route: RouteDef = ROUTES[name];
      const check = (schema: RouteDef['body'], value: unknown, what: string) => {
        if (!schema || value === undefined) return;
        const result = schema.safeParse(value);
        assert.ok(result.success, `${name} ${what}: ${result.error?.message}`);
      };
      check(route.params, example.params, 'params');
      check(route.query, example.query, 'query');
      check(route.body, example.request, 'request');
      if (!route.fileResponse) check(route.response, example.response, 'response');
    }
  });
});
