import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEncodedWords } from './encoded-words.ts';
import { decodeUtf7, isUtf7 } from './utf7.ts';

describe('decodeUtf7', () => {
  it('decodes RFC 2152 examples', () => {
    assert.equal(decodeUtf7('Hi Mom -+Jjo--!'), 'Hi Mom -☺-!');
    assert.equal(decodeUtf7('+ZeVnLIqe-'), '日本語');
    assert.equal(decodeUtf7('A+ImIDkQ.'), 'A≢Α.');
    assert.equal(decodeUtf7('1 +- 1'), '1 + 1');
    assert.equal(decodeUtf7('Fr+APY-sche'), 'Frösche');
  });

  it('recognizes the charset names', () => {
    assert.ok(isUtf7('UTF-7'));
    assert.ok(isUtf7('unicode-1-1-utf-7'));
    assert.ok(!isUtf7('utf-8'));
  });
});

describe('decodeEncodedWords', () => {
  it('decodes UTF-7, Latin-1 and UTF-8 words, joining adjacent ones', () => {
    assert.equal(decodeEncodedWords('=?utf-7?Q?Die_Hasen_und_die_Fr+APY-sche?='), 'Die Hasen und die Frösche');
    assert.equal(decodeEncodedWords('=?ISO-8859-1?Q?Eelanal=FC=FCsi?= =?UTF-8?B?cMOkcmluZw==?= ok'), 'Eelanalüüsipäring ok');
  });
});
