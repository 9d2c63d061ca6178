import { CasekitError } from '@casekit/protocol';

/** Cursor kinds: each list issues its own, and refuses the others'. */
export type CursorKind = 'case' | 'message' | 'event' | 'customer';

// Browser-safe base64url: btoa and atob over the UTF-8 bytes.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/** Tells this store's cursors from other stores' and from guesses. */
const TAG = 'mem1';

/** An opaque token holding the sort key of the last row of a page. */
export function encodeCursor(kind: CursorKind, key: readonly (string | number)[]): string {
  let binary = '';
  for (const byte of encoder.encode(JSON.stringify([TAG, kind, ...key]))) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function invalid(cursor: string): CasekitError {
  return new CasekitError('invalid_cursor', `The cursor "${cursor.slice(0, 40)}" was not issued by this list; start again without a cursor.`, {
    details: { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] },
  });
}

/** The key a cursor of `kind` holds, checked against `valid`; throws `invalid_cursor` for anything else. */
function decodeCursor<K extends unknown[]>(kind: CursorKind, cursor: string, valid: (key: unknown[]) => key is K): K {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid(cursor);
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    parsed = JSON.parse(decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw invalid(cursor);
  }
  if (!Array.isArray(parsed) || parsed[0] !== TAG || parsed[1] !== kind) throw invalid(cursor);
  const key = parsed.slice(2);
  if (!valid(key)) throw invalid(cursor);
  return key;
}

const isPosition = (key: unknown[]): key is [number] => key.length === 1 && Number.isSafeInteger(key[0]) && (key[0] as number) >= 0;

/** The position (row or seq) a message, event or customer cursor points at. */
export function decodePositionCursor(kind: Exclude<CursorKind, 'case'>, cursor: string): number {
  return decodeCursor(kind, cursor, isPosition)[0];
}

const isCaseKey = (key: unknown[]): key is [number, string] =>
  key.length === 2 && Number.isSafeInteger(key[0]) && typeof key[1] === 'string' && key[1].length > 0;

/** The place a case cursor points at: `lastActivityAt` in ms and the case id. */
export function decodeCaseCursor(cursor: string): { activity: number; id: string } {
  const [activity, id] = decodeCursor('case', cursor, isCaseKey);
  return { activity, id };
}
