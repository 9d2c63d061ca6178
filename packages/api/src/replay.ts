import { isVisibleToAgent, visitorView, type EventQuery, type Store, type StoredEventJson } from '@casekit/core';
import { encodeEvents, type ResumeResult } from '@casekit/protocol';

/** Events replayed per `resume` call; `hasMore` says when to ask again. Each answer is a round trip. */
export const RESUME_PAGE_SIZE = 2500;

/** Who asks for a replay: an agent, or the visitors of one customer. */
export type Reader = { agentId: string } | { customerId: string };

/** The stored JSON of events, from the store when it offers it, else serialized here. */
async function storedJson(store: Store, workspaceId: string, query: EventQuery): Promise<StoredEventJson[]> {
  if (store.listEventsJson) return store.listEventsJson(workspaceId, query);
  return (await store.listEvents(workspaceId, query)).map((event) => ({ seq: event.seq, type: event.type, actorId: event.actorId, json: JSON.stringify(event) }));
}

/** Node's Buffer where there is one: it sizes and writes UTF-8 without copies. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * A JSON array of events, as UTF-8, from each event's JSON: nothing is parsed. Written event by
 * event into one buffer: encoding one long joined string instead takes 20 times as long.
 */
function joinJson(events: readonly StoredEventJson[]): Uint8Array {
  if (!NodeBuffer) return new TextEncoder().encode(`[${events.map((event) => event.json).join(',')}]`);
  let size = events.length + 1;
  for (const event of events) size += NodeBuffer.byteLength(event.json);
  const out = NodeBuffer.allocUnsafe(Math.max(2, size));
  let at = 0;
  out[at++] = 0x5b; // [
  for (let i = 0; i < events.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    at += out.write(events[i]!.json, at);
  }
  out[at++] = 0x5d; // ]
  return out.subarray(0, at);
}

/**
 * Reads one page of the log after `after` for whoever asks. Agents' events go out as the store
 * keeps them, without being parsed; a visitor's are parsed to take out what visitors may not see.
 */
export async function readReplayPage(store: Store, workspaceId: string, pageSize: number, after: number, reader: Reader): Promise<ResumeResult> {
  const lastSeq = await store.lastSeq(workspaceId);
  if (after < 0) return { events: encodeEvents([]), lastSeq, hasMore: false };
  const query = { after, limit: pageSize + 1 };
  let hasMore: boolean;
  let pageEnd: number | undefined;
  let events: Uint8Array;
  if ('agentId' in reader) {
    const rows = await storedJson(store, workspaceId, query);
    hasMore = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    pageEnd = page.at(-1)?.seq;
    events = joinJson(page.filter((row) => isVisibleToAgent(row, reader.agentId)));
  } else {
    const rows = await store.listEvents(workspaceId, { ...query, customerId: reader.customerId, publicOnly: true });
    hasMore = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    pageEnd = page.at(-1)?.seq;
    // The store resolves the profile (merges included) and keeps to its public events.
    events = encodeEvents(page.flatMap((event) => visitorView(event) ?? []));
  }
  return { events, lastSeq: hasMore ? (pageEnd ?? after) : Math.max(lastSeq, pageEnd ?? 0), hasMore };
}
