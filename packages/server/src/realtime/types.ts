import type { AgentRecord } from '@casekit/core';
import type { AgentClientEvents, AgentServerEvents, VisitorClientEvents, VisitorServerEvents } from '@casekit/protocol';
import type { Namespace, Socket } from 'socket.io';

interface AgentData {
  agent: AgentRecord;
}
interface VisitorData {
  customerId: string;
  channelId: string;
}
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentData>;
export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorData>;
