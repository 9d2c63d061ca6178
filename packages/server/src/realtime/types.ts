import type { VisitorContext } from '@casekit/api';
import type { AgentRecord } from '@casekit/core';
import type { AgentClientEvents, AgentServerEvents, VisitorClientEvents, VisitorServerEvents } from '@casekit/protocol';
import type { Namespace, Socket } from 'socket.io';

interface AgentData {
  agent: AgentRecord;
  /** The handshake's token: checked again when the agent changes (`createSessionGuard`). */
  token: string;
}
interface VisitorData {
  /** The token's claims: whose session it is, and whether it may follow a merge. */
  session: VisitorContext;
  /** The profile the session speaks for now. */
  customerId: string;
  channelId: string;
}
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;
