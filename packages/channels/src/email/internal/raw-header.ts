import { decodeEncodedWords } from './encoded-words.ts';

// Some mailers write 8-bit header values in their own charset without RFC 2047 encoding
// (Outlook 2000: `Subject: Die Hasen und die Fr\xf6sche`); mailparser reads them as UTF-8.

/** The bytes of a top-level header's value (first occurrence, unfolded), or undefined. */
export function rawHeaderBytes(raw: Buffer, name: string): Buffer | undefined {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end).toString('latin1');
  const match = new RegExp(`(?:^|\\n)${name}[ \\t]*:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)`, 'i').exec(head);
  if (!match) return undefined;
  return Buffer.from(match[1]!.replace(/\r?\n(?=[ \t])/g, '').trim(), 'latin1');
}

/**
 * A header value read from its bytes: UTF-8 when they are valid UTF-8, else the message's own
 * charset (or windows-1252), then RFC 2047 encoded words decoded, UTF-7 included.
 */
export function decodeRawHeader(bytes: Buffer, fallbackCharset: string | undefined): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = decodeWith(bytes, fallbackCharset);
  }
  return decodeEncodedWords(text);
}

function decodeWith(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset && !/utf-?8/i.test(charset) ? charset : 'windows-1252').decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((index) => index >= 0);
  return ends.length > 0 ? Math.min(...ends) : raw.length;
}
