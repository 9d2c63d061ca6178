/**
 * The webhook benchmark's server: casekit with every shipped channel adapter over a SQLite file,
 * one channel of each kind with known secrets, no outbox. PORT and CASEKIT_DATA_DIR from the env.
 */
import { join } from 'node:path';
import { ALL_CHANNEL_ADAPTERS } from '@casekit/channels';
import { createAuth, createCasekitServer, provisionChannel } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';
import { BENCH_CHANNELS, BENCH_WORKSPACE } from './channels.ts';

const port = Number(process.env.PORT);
const store = await createSqliteStore({ filename: join(process.env.CASEKIT_DATA_DIR!, 'casekit.db') });
const auth = createAuth({ jwtSecret: 'bench-secret-that-is-long-enough-0123456789' });
const quiet = { debug() {}, info() {}, warn() {}, error: (message: string, fields?: object) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`) };
const server = createCasekitServer({
  store,
  auth,
  workspaceId: BENCH_WORKSPACE,
  logger: quiet,
  outbox: false,
  channels: { adapters: ALL_CHANNEL_ADAPTERS, publicUrl: `http://127.0.0.1:${port}` },
});
await server.engine.ensureWorkspace({ id: BENCH_WORKSPACE });
for (const channel of BENCH_CHANNELS) await provisionChannel(server.engine, BENCH_WORKSPACE, channel, ALL_CHANNEL_ADAPTERS);
await server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => void server.close().then(() => store.close()).then(() => process.exit(0)));
