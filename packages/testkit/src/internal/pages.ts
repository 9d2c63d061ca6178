import type { Page } from '@casekit/protocol';

/** Every item of a paged list, following its cursors; throws when it never ends. */
export async function collectPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>, maxPages = 500): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await fetch(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return { items, pages };
    cursor = page.nextCursor;
  }
  throw new Error(`still paging after ${maxPages} pages`);
}
