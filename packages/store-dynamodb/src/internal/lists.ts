import { CasekitError } from '@casekit/protocol';
import { queryPages, type Context } from './table.ts';
import type { Item } from './write-set.ts';

// Pages over one or more partitions (a case's conversations, a customer and the profiles merged
// into it), merged in sort-key order, and the cursors that resume them.

/** One partition a list reads: on the table (`sk`) or on gsi2 (`gsi2pk` / `gsi2sk`), its sort keys starting with `prefix`. */
export interface Source {
  pk: string;
  index?: 'gsi2';
  prefix: string;
}

interface PageQuery {
  descending: boolean;
  /** The sort key a page resumes after (a cursor's). */
  after?: string;
  /** Items wanted; one more is read to know whether another page follows. */
  limit: number;
  /** Items a page keeps; others are skipped and reading goes on. */
  accept?: (item: Item) => boolean | Promise<boolean>;
  /** At most this many items are looked at; a page that runs out stops early, with a cursor. */
  budget?: number;
}

interface PageResult {
  items: Item[];
  /** Where the next page starts, or null at the end. */
  resumeAt: string | null;
}

const keyOf = (source: Source, item: Item) => (source.index ? item[`${source.index}sk`] : item.sk) as string;

/** The items of one source in order from `after`; on the table, with the transaction's own writes laid over. */
async function* itemsOf(ctx: Context, source: Source, query: PageQuery): AsyncGenerator<Item> {
  const [pkName, skName] = source.index ? [`${source.index}pk`, `${source.index}sk`] : ['pk', 'sk'];
  const { descending, after } = query;
  const inRange = (key: string) => key.startsWith(source.prefix) && (after === undefined || (descending ? key < after : key > after));
  const pending = new Map(source.index ? [] : (ctx.writes?.pendingIn(source.pk) ?? []).filter(({ sk }) => inRange(sk)).map(({ sk, item }) => [sk, item]));
  const mine = [...pending.values()].filter((item): item is Item => item !== null).sort((a, b) => (a.sk < b.sk ? -1 : 1) * (descending ? -1 : 1));
  // DynamoDB refuses an empty string in a key condition: no prefix, no condition on the sort key.
  const [range, values] =
    after !== undefined ? [` AND #sk ${descending ? '<' : '>'} :after`, { ':after': after }] : source.prefix === '' ? ['', {}] : [' AND begins_with(#sk, :prefix)', { ':prefix': source.prefix }];
  const pages = queryPages(ctx, {
    ...(source.index && { IndexName: source.index }),
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': pkName, ...(range !== '' && { '#sk': skName }) },
    ExpressionAttributeValues: { ':pk': source.pk, ...values },
    ScanIndexForward: !descending,
    // A filtered list reads on past what it skips: larger pages, fewer round trips.
    Limit: Math.min(query.accept ? Math.max(query.limit + 1, 200) : query.limit + 1, 500),
  });
  const before = (a: string, b: string) => (descending ? a > b : a < b);
  for await (const page of pages) {
    for (const item of page) {
      const key = keyOf(source, item);
      if (!inRange(key)) return;
      while (mine.length > 0 && before(mine[0]!.sk, key)) yield mine.shift()!;
      if (!pending.has(key)) yield item;
    }
  }
  yield* mine;
}

/** One page over `sources` merged by sort key: each source is read only as far as the page needs. */
export async function mergedPage(ctx: Context, sources: readonly Source[], query: PageQuery): Promise<PageResult> {
  const streams = sources.map((source) => ({ source, items: itemsOf(ctx, source, query), head: undefined as Item | undefined, done: false }));
  const fill = async (stream: (typeof streams)[number]) => {
    if (stream.head || stream.done) return;
    const next = await stream.items.next();
    if (next.done) stream.done = true;
    else stream.head = next.value;
  };
  const kept: { item: Item; key: string }[] = [];
  let examined = 0;
  let lastKey: string | null = null;
  while (kept.length <= query.limit) {
    await Promise.all(streams.map(fill));
    let next: (typeof streams)[number] | undefined;
    for (const stream of streams) {
      if (!stream.head) continue;
      const key = keyOf(stream.source, stream.head);
      if (!next || (query.descending ? key > keyOf(next.source, next.head!) : key < keyOf(next.source, next.head!))) next = stream;
    }
    if (!next) break;
    const item = next.head!;
    next.head = undefined;
    lastKey = keyOf(next.source, item);
    if (!query.accept || (await query.accept(item))) kept.push({ item, key: lastKey });
    if (query.budget !== undefined && ++examined >= query.budget && kept.length <= query.limit) {
      await Promise.all(streams.map((s) => s.items.return(undefined)));
      return { items: kept.map((k) => k.item), resumeAt: lastKey };
    }
  }
  await Promise.all(streams.map((s) => s.items.return(undefined)));
  const more = kept.length > query.limit;
  return { items: kept.slice(0, query.limit).map((k) => k.item), resumeAt: more ? kept[query.limit - 1]!.key : null };
}

/** Tells this store's cursors from other stores' and from guesses. */
const TAG = 'dyn1';

/** An opaque cursor: the sort key a page ended at, for the list `kind`. */
export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(JSON.stringify([TAG, kind, key])).toString('base64url');
}

/** The sort key in a cursor of `kind`, if it has the shape `valid`; else `invalid_cursor`. */
export function decodeCursor(kind: string, cursor: string, valid: RegExp): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== TAG || parsed[1] !== kind || typeof parsed[2] !== 'string' || !valid.test(parsed[2])) {
    throw new CasekitError('invalid_cursor', `The cursor "${cursor.slice(0, 40)}" was not issued by this list; start again without a cursor.`, {
      details: { issues: [{ path: 'cursor', message: 'unknown cursor' }] },
    });
  }
  return parsed[2];
}

/** A page's `limit`: a positive integer, else `validation_failed` naming it. */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new CasekitError('validation_failed', 'limit must be a positive integer.', { details: { issues: [{ path: 'limit', message: 'must be a positive integer' }] } });
  }
}
