// RFC 2152 UTF-7. mailparser refuses to decode it (a filter looking for "<" would miss
// "+ADw-script+AD4-"); we decode it and then sanitize, so the markup is caught after decoding.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes UTF-7 text (`Fr+APY-sche` → `Frösche`); a bare `+-` is a plus sign. */
export function decodeUtf7(input: string): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '+') {
      out += ch;
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < input.length && BASE64.includes(input[j]!)) j += 1;
    const run = input.slice(i + 1, j);
    out += run === '' ? '+' : decodeRun(run);
    i = input[j] === '-' ? j + 1 : j;
  }
  return out;
}

function decodeRun(run: string): string {
  let bits = 0;
  let value = 0;
  const units: number[] = [];
  let pending = -1;
  for (const c of run) {
    value = (value << 6) | BASE64.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (value >> bits) & 0xff;
      if (pending < 0) pending = byte;
      else {
        units.push((pending << 8) | byte);
        pending = -1;
      }
    }
  }
  return String.fromCharCode(...units);
}

/** Whether a charset name is UTF-7 under any of its spellings. */
export function isUtf7(charset: string | undefined): boolean {
  return /^(?:(?:cs)?unicode11)?utf7$/.test((charset ?? '').toLowerCase().replace(/[^a-z0-9]/g, ''));
}
