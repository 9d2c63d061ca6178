import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REFERENCES, normalizeMessageId, parseMessageIds, threadReferences } from './message-ids.ts';

describe('message ids', () => {
  it('normalizes to <id@host>', () => {
    assert.equal(normalizeMessageId(' <a@b> '), '<a@b>');
    assert.equal(normalizeMessageId('a@b'), '<a@b>');
    assert.equal(normalizeMessageId('<a\r\n @b>'), '<a@b>');
    assert.equal(normalizeMessageId('<>'), undefined);
  });

  it('reads ids with or without brackets, once each', () => {
    assert.deepEqual(parseMessageIds('<x@h>, <x@h>'), ['<x@h>']);
    assert.deepEqual(parseMessageIds('<a@h> (comment) <b@h>'), ['<a@h>', '<b@h>']);
    assert.deepEqual(parseMessageIds('a@h b@h nonsense'), ['<a@h>', '<b@h>']);
  });

  it('orders references nearest first: In-Reply-To, then References newest to oldest', () => {
    assert.deepEqual(threadReferences('<c@h>', '<a@h> <b@h> <c@h>'), ['<c@h>', '<b@h>', '<a@h>']);
    assert.deepEqual(threadReferences(undefined, '<a@h> <b@h>'), ['<b@h>', '<a@h>']);
  });

  it('keeps at most the newest references of a huge header', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `<m${i}@h>`).join(' ');
    const refs = threadReferences(undefined, ids);
    assert.equal(refs.length, MAX_REFERENCES);
    assert.equal(refs[0], '<m499@h>');
  });
});
