import { decodeUtf7, isUtf7 } from './utf7.ts';

// RFC 2047 encoded words, for the one case mailparser leaves undecoded: UTF-7 (`=?utf-7?Q?…?=`).

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

/** Decodes every encoded word of a header value, UTF-7 included; whitespace between two words goes. */
export function decodeEncodedWords(value: string): string {
  return value.replace(/(\?=)\s+(?==\?)/g, '$1').replace(ENCODED_WORD, (_word, charset: string, encoding: string, data: string) => {
    const bytes = encoding.toLowerCase() === 'b' ? Buffer.from(data, 'base64') : decodeQ(data);
    const name = charset.split('*')[0]!;
    if (isUtf7(name)) return decodeUtf7(bytes.toString('latin1'));
    try {
      return new TextDecoder(name).decode(bytes);
    } catch {
      return new TextDecoder('utf-8').decode(bytes);
    }
  });
}

function decodeQ(data: string): Buffer {
  const text = data.replace(/_/g, ' ');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}
