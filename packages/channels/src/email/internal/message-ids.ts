// Message-IDs as threading keys: always `<local@host>`, whitespace removed, in header order.

/** At most this many ids are kept from a References header; mail loops grow them without end. */
export const MAX_REFERENCES = 50;

/**
 * The Message-IDs in a header value, each as `<id@host>`. Ids written without angle brackets
 * (some old mailers) are taken when they contain an `@`; duplicates are dropped.
 */
export function parseMessageIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  const bracketed = value.match(/<[^<>]*>/g);
  const raw = bracketed ?? value.split(/[\s,]+/).filter((token) => token.includes('@'));
  for (const token of raw) {
    const id = normalizeMessageId(token);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** One Message-ID as `<id@host>`, or undefined when it is empty. */
export function normalizeMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const inner = value.trim().replace(/^<|>$/g, '').replace(/\s+/g, '');
  if (!inner || inner.length > 900) return undefined;
  return `<${inner}>`;
}

/**
 * What a reply points at, nearest first: its In-Reply-To, then its References from newest to
 * oldest, without repeats and at most {@link MAX_REFERENCES}.
 */
export function threadReferences(inReplyTo: string | undefined, references: string | undefined): string[] {
  const out: string[] = [];
  for (const id of [...parseMessageIds(inReplyTo), ...parseMessageIds(references).reverse()]) {
    if (!out.includes(id)) out.push(id);
    if (out.length === MAX_REFERENCES) break;
  }
  return out;
}
