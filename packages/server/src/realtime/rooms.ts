/** Room of every agent of a workspace. */
export function agentsRoom(workspaceId: string): string {
  return `ws:${workspaceId}:agents`;
}
/** Room of one agent's sockets (every tab and device). */
export function agentRoom(workspaceId: string, agentId: string): string {
  return `ws:${workspaceId}:agent:${agentId}`;
}
/** Room of one customer's visitor sockets. */
export function customerRoom(workspaceId: string, customerId: string): string {
  return `ws:${workspaceId}:customer:${customerId}`;
}
