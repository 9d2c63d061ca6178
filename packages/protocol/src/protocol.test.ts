import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_STATUSES, CASE_TRANSITIONS, CasekitError, ERROR_STATUS, defaultReplyConversation } from './index.ts';
import {
  CaseListQuery,
  CaseUpdateRequest,
  ROUTES,
  UploadId,
  UploadQuery,
  VisitorProfileRequest,
  VisitorSessionRequest,
  toFieldIssues,
} from './schemas.ts';

describe('protocol', () => {
  it('parses list queries from strings, with comma lists and defaults', () => {
    const parsed = CaseListQuery.parse({ status: 'open,pending', limit: '20', assignee: 'unassigned' });
    assert.deepEqual(parsed.status, ['open', 'pending']);
    assert.equal(parsed.limit, 20);
    assert.equal(CaseListQuery.parse({}).limit, 50);
    assert.equal(CaseListQuery.safeParse({ limit: '500' }).success, false);
    assert.equal(CaseListQuery.safeParse({ status: 'opened' }).success, false);
  });

  it('names the field at fault', () => {
    const result = CaseUpdateRequest.safeParse({ version: 'two', colour: 'red' });
    assert.equal(result.success, false);
    const issues = toFieldIssues(result.error!, 'body');
    assert.ok(issues.some((i) => i.path === 'body.version'));
    assert.ok(issues.some((i) => i.message.includes('colour')));
  });

  it('requires userId and userHash together', () => {
    assert.equal(VisitorSessionRequest.safeParse({ channelId: 'web', userId: 'u1' }).success, false);
    assert.equal(VisitorSessionRequest.safeParse({ channelId: 'web', userId: 'u1', userHash: 'a'.repeat(64) }).success, true);
  });

  it('keeps only the base name of an uploaded file, without control or direction characters', () => {
    assert.equal(UploadQuery.parse({ name: '../../etc/passwd' }).name, 'passwd');
    assert.equal(UploadQuery.parse({ name: 'C:\\Users\\dana\\bill.pdf' }).name, 'bill.pdf');
    assert.equal(UploadQuery.parse({ name: 'invoice\u202Efdp.exe' }).name, 'invoicefdp.exe');
    assert.equal(UploadQuery.parse({ name: ' router\nlights.jpg ' }).name, 'routerlights.jpg');
    for (const name of ['', '   ', 'folder/', '\u0000']) {
      const result = UploadQuery.safeParse({ name });
      assert.equal(result.success, false, JSON.stringify(name));
      assert.deepEqual(result.error!.issues[0]!.path, ['name']);
    }
    assert.equal(UploadId.safeParse('up_' + 'a'.repeat(24)).success, true);
    assert.equal(UploadId.safeParse('up_short').success, false);
  });

  it('takes a visitor profile change only with something in it', () => {
    assert.equal(VisitorProfileRequest.safeParse({}).success, false);
    assert.equal(VisitorProfileRequest.safeParse({ email: 'not an email' }).success, false);
    assert.equal(VisitorProfileRequest.safeParse({ email: 'dana@example.com' }).success, true);
    assert.equal(VisitorProfileRequest.safeParse({ name: 'Dana', role: 'admin' }).success, false);
  });

  it('has a lifecycle where closed is final and every status is reachable', () => {
    assert.deepEqual(CASE_TRANSITIONS.closed, []);
    const reachable = new Set(Object.values(CASE_TRANSITIONS).flat());
    for (const status of CASE_STATUSES) if (status !== 'new') assert.ok(reachable.has(status), status);
  });

  it('routes have unique method+path pairs and creates return 201', () => {
    const keys = Object.values(ROUTES).map((r) => `${r.method} ${r.path}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const route of Object.values(ROUTES)) {
      if ('idempotent' in route && route.idempotent) assert.equal(route.method, 'POST');
    }
  });

  it('maps error codes to statuses', () => {
    const error = new CasekitError('version_conflict', 'stale');
    assert.equal(error.status, 409);
    assert.deepEqual(error.toBody(), { error: { code: 'version_conflict', message: 'stale' } });
    assert.equal(ERROR_STATUS.payload_too_large, 413);
  });
});

describe('reply conversation', () => {
  it('names the conversation a reply goes on by default: the latest', () => {
    const at = (t: string) => ({ id: t, lastMessageAt: `2026-01-0${t}T00:00:00.000Z` });
    assert.equal(defaultReplyConversation([at('1'), at('3'), at('2')])?.id, '3');
    assert.equal(defaultReplyConversation([]), null);
  });
});
