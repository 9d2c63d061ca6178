import { z } from 'zod';
import type { CaseEvent } from './entities.ts';
import type { ErrorBody } from './errors.ts';

/**
 * The answer to `resume`: the visible events after the given seq, oldest first, as the UTF-8 JSON
 * of a `CaseEvent[]` (`decodeEvents` reads it). Bytes, so that the server passes events on as the
 * store keeps them instead of parsing and serializing each again.
 */
export interface ResumeResult {
  events: Uint8Array | ArrayBuffer;
  /** With `hasMore`, where to resume next; otherwise the newest seq in the log when the replay was read. */
  lastSeq: number;
  /** More events may follow; call `resume(lastSeq)` again. */
  hasMore: boolean;
}
export type Ack<T> = (result: { ok: true; value: T } | ({ ok: false } & ErrorBody)) => void;

export const TypingPayload = z.object({ caseId: z.string().min(1).max(64), typing: z.boolean() });
export interface TypingPayload extends z.infer<typeof TypingPayload> {}

/** What the server pushes to agents. */
export interface AgentServerEvents {
  /** Committed events in seq order, several to a push: everything since the server's last push. */
  events: (events: CaseEvent[]) => void;
  typing: (payload: TypingPayload & { by: 'customer'; customerId: string }) => void;
}
/** What agents may ask of the server. */
export interface AgentClientEvents {
  /** Replays visible events after `after`; `-1` replays nothing and answers the newest seq. */
  resume: (after: number, ack: Ack<ResumeResult>) => void;
  typing: (payload: TypingPayload) => void;
}
/** What the server pushes to a visitor: only their own public messages and statuses. */
export interface VisitorServerEvents {
  events: (events: CaseEvent[]) => void;
  typing: (payload: { typing: boolean; by: 'agent'; name: string }) => void;
}
export interface VisitorClientEvents {
  resume: (after: number, ack: Ack<ResumeResult>) => void;
  typing: (payload: { typing: boolean }) => void;
}
/** Handshake `auth` for both namespaces. */
export interface SocketAuth {
  token: string;
}
