import { randomBytes } from 'node:crypto';
import type { CaseEngine, ChannelRecord, Store } from '@casekit/core';
import { provisionChannel } from '@casekit/server';
import type { WorkspaceSettings } from '@casekit/protocol';

/** Id of the web-chat channel every workspace of the reference backend has. */
export const WEBCHAT_CHANNEL_ID = 'webchat';

/**
 * Creates the workspace and its `webchat` channel (with a random secret for identity
 * verification) when they do not exist; returns the channel.
 */
export async function ensureBaseline(
  { store, engine }: { store: Store; engine: CaseEngine },
  workspaceId: string,
  workspace: { name?: string; settings?: Partial<WorkspaceSettings> } = {},
): Promise<ChannelRecord> {
  await engine.ensureWorkspace({ id: workspaceId, name: workspace.name ?? workspaceId, ...(workspace.settings && { settings: workspace.settings }) });
  const existing = await store.getChannel(workspaceId, WEBCHAT_CHANNEL_ID);
  if (existing) return existing;
  await provisionChannel(engine, workspaceId, {
    id: WEBCHAT_CHANNEL_ID,
    kind: 'webchat',
    name: 'Website chat',
    secrets: { identitySecret: randomBytes(24).toString('hex') },
  }).catch((error: unknown) => {
    // Another process may have created it meanwhile; anything else is a real failure.
    if (!(error instanceof Error && 'code' in error && error.code === 'conflict')) throw error;
  });
  const channel = await store.getChannel(workspaceId, WEBCHAT_CHANNEL_ID);
  if (!channel) throw new Error(`Could not create the "${WEBCHAT_CHANNEL_ID}" channel.`);
  return channel;
}
