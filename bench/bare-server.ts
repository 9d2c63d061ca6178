/** The ingest baseline: an Express endpoint with the same JSON body parsing that does no work. */
import express from 'express';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/api/v1/visitor/messages', (req, res) => {
  res.status(201).json({ ok: true, clientMessageId: (req.body as { clientMessageId?: string } | undefined)?.clientMessageId ?? null });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
