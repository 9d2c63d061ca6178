import type { Customer } from '@casekit/protocol';

// How searches match, defined once: every store indexes and queries through these, so the
// same search finds the same customers and cases on each of them.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lower case, a lone surrogate as U+FFFD (what UTF-8 storage makes of it), NUL dropped. */
function searchable(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD').toLowerCase();
}

/** What a customer is found by: their name, emails, phones, channel ids and Splynx id, one per line. */
export function customerSearchText(customer: Customer): string {
  return searchable(
    [customer.name, ...customer.emails, ...customer.phones, ...customer.identities.map((i) => i.externalId), customer.splynxId ?? ''].join('\n'),
  );
}

/**
 * A customer search as stores match it: any part of `customerSearchText`, ignoring case.
 * An empty result (no query, blank, or only NULs) lists every customer.
 */
export function customerSearchQuery(q: string | undefined): string {
  return q === undefined ? '' : searchable(q).trim();
}

/**
 * Diacritics dropped, as SQLite's trigram index drops them: stores that match in code fold both
 * the indexed text and the query with it, so "muller" finds "Müller" on every store.
 */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Words shorter than this match whole words only; longer ones also match as the start of a word. */
export const MIN_PREFIX_LENGTH = 3;
const MAX_SEARCH_WORDS = 16;

/**
 * The words of a text as case search indexes and matches them: diacritics dropped, lower
 * case, runs of letters and digits.
 */
export function searchTerms(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A customer part of a case search shorter than this (in characters) is not looked for: it would match nearly everyone. */
export const MIN_CUSTOMER_MATCH = 3;

/**
 * A free-text case search. A case matches when its subject or preview holds all the words, when
 * it has the number named, or when its customer's `customerSearchText` holds `customer`.
 */
export interface CaseSearch {
  /** Distinct words, from the first 16 of the query. */
  words: string[];
  /** `#123` or `123` also finds case number 123. */
  number: number | null;
  /** The query as a customer search (`customerSearchQuery`), when it has `MIN_CUSTOMER_MATCH` characters or more. */
  customer: string | null;
}

/** Parses a case search; null when it can match nothing (no words, no number, too short for a customer). */
export function parseCaseSearch(q: string): CaseSearch | null {
  const words = [...new Set(searchTerms(q).slice(0, MAX_SEARCH_WORDS))];
  const match = /^#?(\d{1,12})$/.exec(q.trim());
  const n = match ? Number(match[1]) : NaN;
  const number = Number.isSafeInteger(n) && n > 0 ? n : null;
  const text = customerSearchQuery(q);
  const customer = [...text].length >= MIN_CUSTOMER_MATCH ? text : null;
  return words.length === 0 && number === null && customer === null ? null : { words, number, customer };
}

/** Whether a search word matches one indexed word of a case. */
export function matchesTerm(word: string, term: string): boolean {
  return word.length >= MIN_PREFIX_LENGTH ? term.startsWith(word) : term === word;
}
