import { createHash } from 'node:crypto';
import { parseAddressHeader } from 'mailparser';
import type { EmailAddress } from 'mailparser';

// Helpers for building an email from an inbound-parse provider's fields rather than raw MIME.

/** Header pairs as a map by lower-case name, first value kept, folding removed. */
export function headerMapOf(pairs: Iterable<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = name.trim().toLowerCase();
    if (key && !map.has(key)) map.set(key, value.replace(/\r?\n[ \t]*/g, ' ').trim());
  }
  return map;
}

/** The header pairs of a raw header block (`Name: value` lines, folded lines joined). */
export function headerPairsOf(block: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const line of block.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) pairs.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return pairs;
}

/** The first mailbox of an address header value (`Dana <dana@example.com>`). */
export function mailboxOf(value: string | undefined): { address: string; name?: string } | undefined {
  const entry = addressEntries(value)[0];
  if (!entry?.address) return undefined;
  return entry.name ? { address: entry.address, name: entry.name } : { address: entry.address };
}

/** Every address in an address header value, groups flattened. */
export function addressesOf(value: string | undefined): string[] {
  return addressEntries(value).flatMap((entry) => (entry.address ? [entry.address] : []));
}

function addressEntries(value: string | undefined): EmailAddress[] {
  if (!value?.trim()) return [];
  return parseAddressHeader(value, { flatten: true }).value;
}

/** The content type of a header map and its `report-type` (bounces are `multipart/report`). */
export function contentTypeOf(headers: ReadonlyMap<string, string>): { contentType?: string; reportType?: string } {
  const value = headers.get('content-type');
  if (!value) return {};
  const contentType = value.split(';')[0]!.trim().toLowerCase();
  const reportType = /report-type\s*=\s*"?([\w-]+)/i.exec(value)?.[1];
  return reportType ? { contentType, reportType } : { contentType };
}

/** `sha256:<hex>` over the given parts, for a message that has no Message-ID. */
export function contentHash(...parts: (string | Uint8Array | undefined)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part ?? '');
    hash.update('\u0000');
  }
  return `sha256:${hash.digest('hex')}`;
}
