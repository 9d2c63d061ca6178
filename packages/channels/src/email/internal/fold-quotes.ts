// Folds quoted history and signatures out of a reply so a conversation shows what is new.
// Conservative on purpose: a marker only counts where mail clients put it (a separator line at
// the start of a line, an attribution right before a `>` block, a quote block at the end or at
// the very start), interleaved answers keep their quotes, a forward keeps what it forwards, and
// when folding would leave nothing the whole text is kept.

/** `-----Original Message-----` and its translations (Outlook, Yahoo, AOL, Zimbra). */
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|messaggio originale|mensaje original|mensagem original|oorspronkelijk bericht|oprindelig meddelelse|opprinnelig melding|originalmeddelande|alkuperäinen viesti|исходное сообщение)\s*-{2,}\s*$/i;

/** The first two lines of an Outlook header block (`From: …` then, within a few lines, `Sent: …`). */
const HEADER_FROM = /^\s*\*?(?:from|von|de|da|van|från|fra|od|от)\s*:\*?\s+\S/i;
const HEADER_SENT =
  /^\s*\*?(?:sent|date|gesendet|datum|envoyé|inviato|data|enviado|enviada|fecha|verzonden|skickat|sendt|wysłano|отправлено|дата)\s*:\*?\s+\S/i;

/** Lines that start a forwarded message: everything from there is what the sender wants us to read. */
const FORWARD_MARKER = /^\s*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|messaggio inoltrato|mensaje reenviado)\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:|début du message réexpédié\s?:)\s*$/i;

/** How an attribution line starts (`On …`, `Le …`, a date, an address) and how it ends (`wrote:`…). */
const ATTRIBUTION_START = /^(?:on|le|am|el|il|op|em|den|dne|w dniu|quoting)\s|^\d|^[^\s@<>]+@[^\s@<>]+(?:\s|$)|^.{0,80}<[^<>\s]+@[^<>\s]+>/i;
const ATTRIBUTION_END =
  /(?:\swrote|\swrites|\sa\s+écrit|\sschrieb(?:\s.*)?|\sescribió|\sha\s+scritto|\sschreef(?:\s.*)?|\sescreveu|\sskrev(?:\s.*)?|\skirjoitti|\snapisał(?:\(a\))?|\sнаписал[аи]?|\snapsal|\syazdı)\s*:\s*$/i;

/** The usenet signature delimiter (`-- `, often with its trailing space stripped). */
const SIGNATURE = /^-- ?$/;
/** Longest signature we fold away: a longer tail after `-- ` is probably not a signature. */
const MAX_SIGNATURE_LINES = 20;

/** One-line signatures that mobile clients add under the text. */
const MOBILE_SIGNATURE =
  /^(?:sent from my .{1,40}|sent from (?:mail|outlook) for .{1,30}|get outlook for .{1,30}|sent from yahoo mail.{0,40}|envoyé de mon .{1,30}|von meinem .{1,30} gesendet|enviado desde mi .{1,30}|enviado do meu .{1,30}|inviato da(?:l mio)? .{1,30}|verzonden vanaf mijn .{1,30}|skickat från min .{1,30})$/i;

/** How many lines an attribution may be wrapped over, and how long one of its lines may be. */
const MAX_ATTRIBUTION_LINES = 3;
const MAX_ATTRIBUTION_LINE_LENGTH = 400;

interface FoldOptions {
  /** The message is a forward (`Fwd:` subject): what follows a header block is its content. */
  forward?: boolean;
}

/**
 * The new part of an email's plain text: quoted history (`>` blocks with their "On … wrote:"
 * attribution, Outlook's "-----Original Message-----" or "From: … Sent: …" block) and the
 * signature (`-- `, "Sent from my iPhone") folded away. Returns the whole text when nothing is left.
 */
export function foldQuotedText(text: string, options: FoldOptions = {}): string {
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  const forwardAt = all.findIndex((line) => FORWARD_MARKER.test(line));
  const head = forwardAt < 0 ? all : all.slice(0, forwardAt);
  const tail = forwardAt < 0 ? [] : all.slice(forwardAt);

  let lines = options.forward ? head : head.slice(0, historyStart(head));
  lines = dropQuoteBlocks(lines);
  lines = dropSignature(lines);
  const folded = tidy([...lines, ...tail]);
  return folded === '' ? tidy(all) : folded;
}

/** Where unquoted history starts (a separator line or header block), or the length when it does not. */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (/^\s*_{5,}\s*$/.test(line) && isHeaderBlock(lines, nextNonBlank(lines, i + 1))) return i;
    if (isHeaderBlock(lines, i)) return i;
    const attribution = attributionEndingAt(lines, i);
    if (attribution !== undefined && /[\d@]/.test(lines.slice(attribution, i + 1).join(' '))) {
      const next = nextNonBlank(lines, i + 1);
      if (next < lines.length && !isQuoted(lines[next]!)) return attribution;
    }
  }
  return lines.length;
}

function isHeaderBlock(lines: string[], i: number): boolean {
  if (i >= lines.length || !HEADER_FROM.test(lines[i]!)) return false;
  for (let j = i + 1; j < Math.min(lines.length, i + 5); j += 1) {
    if (HEADER_SENT.test(lines[j]!)) return true;
  }
  return false;
}

/**
 * Drops trailing quote blocks (top-posting) and a single leading one (bottom-posting), each with
 * its attribution. Quote blocks between new text are an interleaved answer and stay.
 */
function dropQuoteBlocks(lines: string[]): string[] {
  let blocks = quoteBlocks(lines);
  let end = lines.length;
  while (blocks.length > 0) {
    const last = blocks[blocks.length - 1]!;
    if (!lines.slice(last.end, end).every(isBlank)) break;
    end = last.start;
    blocks = blocks.slice(0, -1);
  }
  let start = 0;
  if (blocks.length === 1 && lines.slice(0, blocks[0]!.start).every(isBlank)) start = blocks[0]!.end;
  return lines.slice(start, end);
}

/** Runs of `>` lines (blank lines inside allowed), each widened to the attribution above it. */
function quoteBlocks(lines: string[]): { start: number; end: number }[] {
  const blocks: { start: number; end: number }[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!isQuoted(lines[i]!)) {
      i += 1;
      continue;
    }
    let end = i + 1;
    let j = i + 1;
    while (j < lines.length && (isQuoted(lines[j]!) || isBlank(lines[j]!))) {
      if (isQuoted(lines[j]!)) end = j + 1;
      j += 1;
    }
    const above = previousNonBlank(lines, i - 1);
    const attribution = above >= 0 ? attributionEndingAt(lines, above) : undefined;
    const previousEnd = blocks.length > 0 ? blocks[blocks.length - 1]!.end : 0;
    blocks.push({ start: attribution !== undefined && attribution >= previousEnd ? attribution : i, end });
    i = end;
  }
  return blocks;
}

/** The first line of an attribution (wrapped over up to three lines) that ends on line `i`. */
function attributionEndingAt(lines: string[], i: number): number | undefined {
  const last = lines[i]!;
  if (last.length > MAX_ATTRIBUTION_LINE_LENGTH || isQuoted(last) || !ATTRIBUTION_END.test(last)) return undefined;
  for (let k = 0; k < MAX_ATTRIBUTION_LINES && i - k >= 0; k += 1) {
    const first = lines[i - k]!;
    if (isBlank(first) || isQuoted(first) || first.length > MAX_ATTRIBUTION_LINE_LENGTH) return undefined;
    if (ATTRIBUTION_START.test(first.trim())) return i - k;
  }
  return undefined;
}

/** Cuts at the signature delimiter when what follows is short, and a mobile client's one-liner. */
function dropSignature(lines: string[]): string[] {
  let out = lines;
  const delimiter = out.findIndex((line) => SIGNATURE.test(line));
  if (delimiter >= 0 && out.slice(delimiter + 1).filter((line) => !isBlank(line)).length <= MAX_SIGNATURE_LINES) {
    out = out.slice(0, delimiter);
  }
  const last = previousNonBlank(out, out.length - 1);
  if (last >= 0 && MOBILE_SIGNATURE.test(out[last]!.trim())) out = out.slice(0, last);
  return out;
}

function tidy(lines: string[]): string {
  return lines
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

function isQuoted(line: string): boolean {
  return /^\s*>/.test(line);
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function nextNonBlank(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && isBlank(lines[i]!)) i += 1;
  return i;
}

function previousNonBlank(lines: string[], from: number): number {
  let i = from;
  while (i >= 0 && isBlank(lines[i]!)) i -= 1;
  return i;
}
