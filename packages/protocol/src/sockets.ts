import { z } from 'zod';
import type { CaseEvent } from './entities.ts';
import type { ErrorBody } from './errors.ts';


/** The answer to `resume`: every visible event after the given seq, oldest first. */
export interface ResumeResult {
  events: CaseEvent[];
  /** The newest seq in the log when the replay was read. */
  lastSeq: number;
  /** More events exist past `events`; call `resume` again with the last seq. */
  hasMore: boolean;
}
export type Ack<T> = (result: { ok: true; value: T } | ({ ok: false } & ErrorBody)) => void;

export const TypingPayload = z.object({ caseId: z.string().min(1).max(64), typing: z.boolean() });
export type TypingPayload = z.infer<typeof TypingPayload>;

/** What the server pushes to agents. */
export interface AgentServerEvents {
  event: (event: CaseEvent) => void;
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
  event: (event: CaseEvent) => void;
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
