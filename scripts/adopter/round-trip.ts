// What an adopting team writes, run from a fresh project that installed the packed tarballs:
// casekit mounted in the team's own Express app over a SQLite file, a visitor writing in
// through @casekit/sdk, an agent seeing the case live and replying, the visitor receiving the
// reply over realtime. Prints one JSON line with what each side saw.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { Case, Message } from '@casekit/protocol';
import { createAgentClient, createVisitorClient } from '@casekit/sdk';
import { createAuth, createCasekitServer, provisionAgent, provisionChannel, type Logger } from '@casekit/server';
import { createSqliteStore } from '@casekit/store-sqlite';

const WORKSPACE = 'acme';
const warnings: string[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };

function waitFor(what: string, ready: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (ready()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting until ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

const dir = await mkdtemp(join(tmpdir(), 'casekit-adopter-data-'));
const store = await createSqliteStore({ filename: join(dir, 'casekit.db') });

// The team's existing app, with a route of its own.
const app = express();
app.get('/portal/health', (_req, res) => {
  res.json({ ok: true });
});

const auth = createAuth({ jwtSecret: randomBytes(32).toString('hex') });
const server = createCasekitServer({ app, store, auth, workspaceId: WORKSPACE, logger });
await server.engine.ensureWorkspace({ id: WORKSPACE, name: 'Acme Broadband' });
await provisionAgent(server.engine, auth, WORKSPACE, { email: 'ana@acme.example', name: 'Ana', password: 'correct horse battery', role: 'admin' });
await provisionChannel(server.engine, WORKSPACE, { id: 'webchat', kind: 'webchat', name: 'Website chat' });
const address = await server.listen(0, '127.0.0.1');
const baseUrl = `http://127.0.0.1:${address.port}`;

const agent = createAgentClient({ baseUrl });
const visitor = createVisitorClient({ baseUrl, channelId: 'webchat', storage: 'memory', name: 'Dana' });
try {
  const portal = (await (await fetch(`${baseUrl}/portal/health`)).json()) as { ok: boolean };

  await agent.login('ana@acme.example', 'correct horse battery');
  const agentSaw: Array<{ message: Message; kase: Case | undefined }> = [];
  agent.on('message', (message, kase) => agentSaw.push({ message, kase }));
  agent.connect();
  await waitFor('the agent is connected', () => agent.connection === 'connected');

  const visitorSaw: Message[] = [];
  visitor.on('message', (message) => visitorSaw.push(message));
  await visitor.start();
  await waitFor('the visitor is connected', () => visitor.connection === 'connected');

  await visitor.send('My router blinks red since this morning');
  await waitFor('the agent sees the message', () => agentSaw.length > 0);
  const { message, kase } = agentSaw[0]!;
  if (!kase) throw new Error('the agent got the message without its case');
  const { items } = await agent.listCases({});

  await agent.reply(kase.id, { text: 'Sorry Dana, a technician is on the way.' });
  await waitFor('the visitor receives the reply', () => visitorSaw.some((m) => m.authorKind === 'agent'));

  console.log(
    JSON.stringify({
      portal,
      agentSaw: { text: message.text, caseNumber: kase.number, caseStatus: kase.status },
      listed: items.map((c) => c.id === kase.id),
      visitorSaw: visitorSaw.map((m) => ({ author: m.authorKind, text: m.text })),
      warnings,
    }),
  );
} finally {
  visitor.close();
  agent.disconnect();
  await server.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
