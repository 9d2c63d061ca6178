import type { Express } from 'express';
import type { Coordination, SplynxIntegration } from '@casekit/api';
import type { CaseEngine, Store } from '@casekit/core';
import { errorText, type Logger } from '@casekit/server';
import { createSplynxSync, splynxHookHandler, type SplynxSync } from '@casekit/splynx';
import type { SplynxConfig } from './config.ts';

/** Where Splynx posts its hooks on this server (Config → Integrations → Hooks in Splynx). */
export const SPLYNX_HOOK_PATH = '/integrations/splynx/hooks';
/** Seconds between pushes of cases to Splynx tickets and pulls of what changed on them. */
const TICKET_INTERVAL_SECONDS = 10;

/** The Splynx sync of a running server: the API's side before the engine exists, the sync after. */
export interface ServerSplynx {
  /** For `createCasekitServer({ splynx })`: answers once `attach` ran. */
  integration: SplynxIntegration;
  /** Creates the sync over the server's engine, takes hooks and pulls now and every interval. */
  attach(options: { engine: CaseEngine; store: Store; workspaceId: string; app: Express; logger: Logger; coordination: Coordination }): SplynxSync;
  close(): Promise<void>;
}

/** Composes the Splynx sync for the reference server (docs/splynx.md). */
export function serverSplynx(config: SplynxConfig): ServerSplynx {
  let sync: SplynxSync | null = null;
  const intervals: ReturnType<typeof setInterval>[] = [];
  const attached = () => {
    if (!sync) throw new Error('The Splynx sync is not attached yet.');
    return sync;
  };
  return {
    integration: {
      status: () => attached().status(),
      startSync: (options) => attached().start(options),
    },
    attach({ engine, store, workspaceId, app, logger, coordination }) {
      sync = createSplynxSync({
        engine,
        store,
        workspaceId,
        // With several nodes, one pulls (and one syncs tickets) at a time.
        exclusive: (key, work) => coordination.withLock(`splynx:${workspaceId}:${key}`, work),
        baseUrl: config.url,
        auth: { kind: 'token', key: config.apiKey, secret: config.apiSecret },
        ...(config.hookSecret && { hookSecret: config.hookSecret }),
        onError: (error) => logger.warn('Splynx sync', { error: errorText(error) }),
      });
      app.post(SPLYNX_HOOK_PATH, splynxHookHandler(sync));
      const pull = () => {
        sync!.start().then(
          (run) => logger.info('Splynx pull started', { runId: run.id }),
          // A pull still running is not an error: the next tick tries again.
          (error: unknown) => logger.debug('Splynx pull not started', { error: errorText(error) }),
        );
      };
      pull();
      let ticketsBusy = false;
      const tickets = () => {
        if (ticketsBusy) return;
        ticketsBusy = true;
        sync!
          .syncTickets()
          .catch((error: unknown) => logger.warn('Splynx tickets', { error: errorText(error) }))
          .finally(() => {
            ticketsBusy = false;
          });
      };
      if (config.syncIntervalSeconds > 0) {
        intervals.push(setInterval(pull, config.syncIntervalSeconds * 1000));
        // Tickets follow cases closely: what an agent writes is on the ticket within seconds.
        intervals.push(setInterval(tickets, Math.min(config.syncIntervalSeconds, TICKET_INTERVAL_SECONDS) * 1000));
        for (const interval of intervals) interval.unref();
      }
      return sync;
    },
    async close() {
      for (const interval of intervals) clearInterval(interval);
      await sync?.close();
    },
  };
}
