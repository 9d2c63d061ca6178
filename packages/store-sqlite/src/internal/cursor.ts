import { CasekitError } from '@casekit/protocol';

/** Cursor kinds: each list issues its own, and refuses the others'. */
export type CursorKind = 'case' | 'message' | 'event' | 'customer';

/** An opaque base64url token holding the sort key of the last row of a page. */
export function encodeCursor(kind: CursorKind, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

function invalid(cursor: string): CasekitError {
  return new CasekitError('invalid_cursor', `The cursor "${cursor.slice(0, 40)}" was not issued by this list; start again without a cursor.`, {
    details: { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] },
  });
}

/** The position a case cursor points at: `lastActivityAt` in ms and the case id. */
export function decodeCaseCursor(cursor: string): { activity: number; id: string } {
  const parts = decode(cursor);
  const [kind, activity, id] = parts;
  if (parts.length !== 3 || kind !== 'case' || !Number.isSafeInteger(activity) || typeof id !== 'string' || id.length === 0 || id.length > 64) {
    throw invalid(cursor);
  }
  return { activity: activity as number, id };
}

/** The integer position (row or seq) a message, event or customer cursor points at. */
export function decodePositionCursor(kind: Exclude<CursorKind, 'case'>, cursor: string): number {
  const parts = decode(cursor);
  const [issued, position] = parts;
  if (parts.length !== 2 || issued !== kind || !Number.isSafeInteger(position) || (position as number) < 0) throw invalid(cursor);
  return position as number;
}

function decode(cursor: string): unknown[] {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid(cursor);
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed)) throw invalid(cursor);
    return parsed;
  } catch {
    throw invalid(cursor);
  }
}
