import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countSmsSegments } from './index.ts';

describe('countSmsSegments', () => {
  it('160 GSM-7 characters are one segment, 161 are two (153 per part)', () => {
    assert.deepEqual(countSmsSegments('a'.repeat(160)), { encoding: 'GSM-7', segments: 1, characters: 160 });
    assert.deepEqual(countSmsSegments('a'.repeat(161)), { encoding: 'GSM-7', segments: 2, characters: 161 });
    assert.equal(countSmsSegments('a'.repeat(306)).segments, 2);
    assert.equal(countSmsSegments('a'.repeat(307)).segments, 3);
  });

  it('one emoji switches the whole text to UCS-2: 70 per segment, 67 per part, counted in UTF-16 units', () => {
    assert.deepEqual(countSmsSegments('Still no internet 😞'), { encoding: 'UCS-2', segments: 1, characters: 20 });
    assert.deepEqual(countSmsSegments(`${'a'.repeat(68)}😞`), { encoding: 'UCS-2', segments: 1, characters: 70 });
    assert.deepEqual(countSmsSegments(`${'a'.repeat(69)}😞`), { encoding: 'UCS-2', segments: 2, characters: 71 });
    assert.equal(countSmsSegments('a'.repeat(134) + 'ж').segments, 3);
  });

  it('€ and [ come from the extension table and count two septets each', () => {
    assert.deepEqual(countSmsSegments('€'), { encoding: 'GSM-7', segments: 1, characters: 2 });
    assert.deepEqual(countSmsSegments('[x]'), { encoding: 'GSM-7', segments: 1, characters: 5 });
    assert.deepEqual(countSmsSegments('€'.repeat(80)), { encoding: 'GSM-7', segments: 1, characters: 160 });
    assert.deepEqual(countSmsSegments(`${'€'.repeat(80)}a`), { encoding: 'GSM-7', segments: 2, characters: 161 });
  });

  it('an escape pair is never split between two parts', () => {
    // 152 septets, then a 2-septet € would straddle the 153 boundary: it moves to part two.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    assert.deepEqual(countSmsSegments(text), { encoding: 'GSM-7', segments: 2, characters: 164 });
    assert.equal(countSmsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments, 3, '306 septets would fit two parts, but the pair moves to part two and the last septet needs a third');
  });

  it('GSM-7 letters outside ASCII stay GSM-7; ones that are not in it switch to UCS-2', () => {
    assert.equal(countSmsSegments('Ça coûte 5 £, où êtes-vous?').encoding, 'UCS-2', 'û and ê are not GSM-7');
    assert.deepEqual(countSmsSegments('Øre Åse ÆØÅ ßüöä Ñ ¿¡ §'), { encoding: 'GSM-7', segments: 1, characters: 23 });
    assert.equal(countSmsSegments('`').encoding, 'UCS-2', 'the backtick is not in GSM-7');
  });

  it('an empty text is no segment', () => {
    assert.deepEqual(countSmsSegments(''), { encoding: 'GSM-7', segments: 0, characters: 0 });
  });
});
