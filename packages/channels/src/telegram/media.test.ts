import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ChannelRuntime, InboundMessageEvent } from '@casekit/core';
import { expectDeliveryError, startTelegramFake, telegramUpdate, type TelegramFake } from '@casekit/testkit/providers';
import { telegramAdapter } from './index.ts';
import type { TelegramConfig, TelegramSecrets } from './index.ts';

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'hook_secret-2026';
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');

function runtimeFor(apiBaseUrl: string, botToken = TOKEN, fetcher: typeof fetch = fetch): ChannelRuntime<TelegramConfig, TelegramSecrets> {
  const { config, secrets } = telegramAdapter.validate({ config: { apiBaseUrl }, secrets: { botToken, webhookSecret: SECRET } });
  return {
    channel: { id: 'ch_telegram', workspaceId: 'ws_1', kind: 'telegram', name: 'Telegram', config, secrets },
    webhookUrl: 'https://support.example.com/webhooks/ch_telegram',
    publicUrl: 'https://support.example.com',
    fetch: fetcher,
    now: () => new Date(),
  };
}

describe('Telegram files: fetchAttachment against the fake', () => {
  let telegram: TelegramFake;
  let runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>;
  before(async () => {
    telegram = await startTelegramFake({ botToken: TOKEN });
    runtime = runtimeFor(telegram.url);
  });
  after(() => telegram.close());

  it('a document from an update: its file id gives back the bytes, typed by the file_path extension', async () => {
    const fileId = telegram.addFile(PDF, 'documents/file_3.pdf');
    const update = telegramUpdate({ from: { id: 111, firstName: 'Ann' }, document: { fileId, uniqueId: 'AgADdoc', fileName: 'invoice.pdf', mimeType: 'application/pdf', size: PDF.length } });
    const parsed = await telegramAdapter.parse(
      { method: 'POST', url: runtime.webhookUrl, headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: new TextEncoder().encode(JSON.stringify(update)) },
      runtime,
    );
    const url = (parsed.events[0] as InboundMessageEvent).attachments[0]!.url!;
    assert.equal(url, `telegram-file:${fileId}`);
    assert.deepEqual(await telegramAdapter.fetchAttachment!(url, runtime), { bytes: PDF, contentType: 'application/pdf' });
  });

  it('photos, voice notes and stickers get their type from the extension; an unknown one is application/octet-stream', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    for (const [path, type] of [
      ['photos/file_12.jpg', 'image/jpeg'],
      ['voice/file_5.oga', 'audio/ogg'],
      ['stickers/file_7.webp', 'image/webp'],
      ['documents/file_8.xyz', 'application/octet-stream'],
      ['documents/file_9', 'application/octet-stream'],
    ] as const) {
      const file = await telegramAdapter.fetchAttachment!(`telegram-file:${telegram.addFile(bytes, path)}`, runtime);
      assert.deepEqual(file, { bytes, contentType: type }, path);
    }
  });

  it("another bot's token is permanent (auth) and the message never shows the token", async () => {
    const other = '7000000002:AAFwrongwrongwrongwrongwrongwrong';
    const error = await expectDeliveryError(telegramAdapter.fetchAttachment!(`telegram-file:${telegram.addFile(PDF, 'documents/a.pdf')}`, runtimeFor(telegram.url, other)));
    assert.deepEqual([error.retryable, error.code], [false, 'auth']);
    assert.match(error.message, /HTTP 401: Unauthorized\)\. Check the channel's secrets\.botToken/);
    assert.equal(error.message.includes(other), false);
  });

  it('a file id Telegram does not know is permanent not_found', async () => {
    const error = await expectDeliveryError(telegramAdapter.fetchAttachment!('telegram-file:AgACAgQAAxkBAAI-unknown', runtime));
    assert.deepEqual([error.retryable, error.code], [false, 'not_found']);
    assert.match(error.message, /invalid file_id/);
  });

  it('500, 502 (an HTML page) and 429 are retryable, 429 after retry_after; then the file comes', async () => {
    const ref = `telegram-file:${telegram.addFile(PDF, 'documents/b.pdf')}`;
    telegram.failDownloadsNext(1, 500);
    const down = await expectDeliveryError(telegramAdapter.fetchAttachment!(ref, runtime));
    assert.deepEqual([down.retryable, down.code], [true, 'http_500']);
    telegram.failDownloadsNext(1, 502);
    assert.deepEqual([(await expectDeliveryError(telegramAdapter.fetchAttachment!(ref, runtime))).retryable], [true]);
    telegram.failDownloadsNext(1, 429);
    const limited = await expectDeliveryError(telegramAdapter.fetchAttachment!(ref, runtime));
    assert.deepEqual([limited.retryable, limited.code, limited.options.retryAfterMs], [true, 'rate_limited', 7000]);
    assert.deepEqual((await telegramAdapter.fetchAttachment!(ref, runtime)).bytes, PDF);
  });

  it('what is not a Telegram file id is refused before any request', async () => {
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => (calls.push(String(input)), fetch(input, init));
    for (const ref of ['meta-media:1', 'telegram-file:', 'telegram-file:a/../../getMe', 'https://api.telegram.org/file/bot1:x/a.jpg']) {
      const error = await expectDeliveryError(telegramAdapter.fetchAttachment!(ref, runtimeFor(telegram.url, TOKEN, counting)));
      assert.deepEqual([error.retryable, error.code], [false, 'invalid_url'], ref);
    }
    assert.deepEqual(calls, []);
  });
});

describe('Telegram files: answers the adapter does not trust', () => {
  let answer: Record<string, unknown> = {};
  let server: ReturnType<typeof createServer>;
  let base = '';
  const downloads: string[] = [];
  before(async () => {
    const handler: RequestListener = (req, res) => {
      if (req.url?.startsWith('/file/')) downloads.push(req.url);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a file_path climbing out of the file directory, a missing one, or a file over 100 MB is not downloaded', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ok: true, result: { file_id: 'x', file_unique_id: 'y', file_path: '../../bot1:x/getMe' } }, 'bad_response'],
      [{ ok: true, result: { file_id: 'x', file_unique_id: 'y', file_path: 'photos//file.jpg' } }, 'bad_response'],
      [{ ok: true, result: { file_id: 'x', file_unique_id: 'y' } }, 'bad_response'],
      [{ ok: true, result: { file_id: 'x', file_unique_id: 'y', file_size: 100 * 1024 * 1024 + 1, file_path: 'videos/file_1.mp4' } }, 'too_large'],
      [{ ok: false, error_code: 400, description: 'Bad Request: file is too big' }, 'too_large'],
    ];
    for (const [body, code] of cases) {
      answer = body;
      const error = await expectDeliveryError(telegramAdapter.fetchAttachment!('telegram-file:AgACAgQ', runtimeFor(base)));
      assert.deepEqual([error.retryable, error.code], [false, code], JSON.stringify(body));
    }
    assert.deepEqual(downloads, []);
  });
});
