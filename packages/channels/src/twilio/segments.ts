// GSM 03.38: the default alphabet (one septet each) and its extension table (escape + septet).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

/** How an SMS text is encoded and billed. */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Messages the text is split into (0 for an empty text). */
  segments: number;
  /** Units counted against the limits: septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  characters: number;
}

/**
 * Counts the SMS segments a text is sent as: GSM-7 fits 160 septets in one message and 153 per
 * part when split; anything outside GSM-7 switches the whole text to UCS-2 (70, then 67 per part).
 * A character is never split across two parts.
 * @example countSmsSegments('Your router is back online') // { encoding: 'GSM-7', segments: 1, characters: 26 }
 */
export function countSmsSegments(text: string): SmsSegments {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const widths = gsm ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const characters = widths.reduce((sum, width) => sum + width, 0);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: characters === 0 ? 0 : characters <= single ? 1 : split(widths, part), characters };
}

function split(widths: number[], part: number): number {
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > part) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return segments;
}
