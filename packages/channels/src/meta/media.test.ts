import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ChannelRuntime, InboundMessageEvent } from '@casekit/core';
import { expectDeliveryError, messengerTextWebhook, postMetaWebhook, startMetaGraphFake, whatsAppMessageWebhook, type MetaGraphFake } from '@casekit/testkit/providers';
import { startTestReceiver, testRuntime } from './internal/test-support.ts';
import { instagram, messenger, type PageMessagingConfig, type PageMessagingSecrets } from './page-messaging.ts';
import { whatsappCloud, type WhatsAppCloudConfig, type WhatsAppCloudSecrets } from './whatsapp-cloud.ts';

const APP_SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const VERIFY_TOKEN = 'casekit-verify-7d1f';
const OGG = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

/** A loopback server that keeps every request it gets. */
async function startServer(handler: RequestListener = (_req, res) => res.writeHead(200).end('ok')) {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Node's fetch, recording each request's URL and Authorization header. */
function recordingFetch(): { fetch: typeof fetch; seen: { url: string; authorization: string | null }[] } {
  const seen: { url: string; authorization: string | null }[] = [];
  return { seen, fetch: (input, init) => (seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') }), fetch(input, init)) };
}

describe('WhatsApp Cloud media: fetchAttachment against the fake', () => {
  let graph: MetaGraphFake;
  let config: WhatsAppCloudConfig;
  let secrets: WhatsAppCloudSecrets;
  const runtime = (overrides: Partial<WhatsAppCloudSecrets> = {}, fetcher: typeof fetch = fetch): ChannelRuntime<WhatsAppCloudConfig, WhatsAppCloudSecrets> => ({
    ...testRuntime('whatsapp-cloud', config, { ...secrets, ...overrides }),
    fetch: fetcher,
  });
  before(async () => {
    graph = await startMetaGraphFake();
    config = { phoneNumberId: graph.phoneNumberId, apiBaseUrl: graph.url, apiVersion: 'v23.0' };
    secrets = { appSecret: APP_SECRET, accessToken: graph.accessToken, verifyToken: VERIFY_TOKEN };
  });
  after(() => graph.close());

  it('a voice note from the webhook: its media id gives back the bytes and mime type, the token going to both steps', async () => {
    const receiver = await startTestReceiver(whatsappCloud, { config, secrets });
    try {
      const id = graph.addMedia('audio/ogg; codecs=opus', OGG);
      const sha256 = createHash('sha256').update(OGG).digest('base64');
      const webhook = whatsAppMessageWebhook({ phoneNumberId: graph.phoneNumberId, message: { from: '16505551234', type: 'audio', audio: { id, mime_type: 'audio/ogg; codecs=opus', sha256, voice: true } } });
      assert.equal((await postMetaWebhook(receiver.url, webhook.body, { appSecret: APP_SECRET })).status, 200);
      const url = (receiver.events[0] as InboundMessageEvent).attachments[0]!.url!;
      assert.equal(url, `meta-media:${id}`);
      const { fetch: recording, seen } = recordingFetch();
      const file = await whatsappCloud.fetchAttachment!(url, runtime({}, recording));
      assert.deepEqual(file, { bytes: OGG, contentType: 'audio/ogg; codecs=opus' });
      assert.equal(seen.length, 2);
      assert.equal(new URL(seen[0]!.url).pathname, `/v23.0/${id}`);
      assert.equal(new URL(seen[0]!.url).searchParams.get('phone_number_id'), graph.phoneNumberId);
      assert.match(seen[1]!.url, /\/whatsapp_business\/attachments\/\?mid=/);
      assert.deepEqual(
        seen.map((s) => s.authorization),
        [`Bearer ${graph.accessToken}`, `Bearer ${graph.accessToken}`],
      );
    } finally {
      await receiver.close();
    }
  });

  it('media the business uploaded is fetched the same way', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/jpeg');
    form.set('file', new Blob([JPEG], { type: 'image/jpeg' }), 'photo.jpg');
    const uploaded = await fetch(`${graph.url}/v23.0/${graph.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${graph.accessToken}` }, body: form });
    const { id } = (await uploaded.json()) as { id: string };
    assert.deepEqual(await whatsappCloud.fetchAttachment!(`meta-media:${id}`, runtime()), { bytes: JPEG, contentType: 'image/jpeg' });
  });

  it('a wrong access token is permanent (auth, Graph error 190) and says to renew it', async () => {
    const error = await expectDeliveryError(whatsappCloud.fetchAttachment!(`meta-media:${graph.addMedia('image/jpeg', JPEG)}`, runtime({ accessToken: 'EAAJrevoked' })));
    assert.deepEqual([error.retryable, error.code], [false, 'auth']);
    assert.match(error.message, /access token .*Meta error 190/);
  });

  it('an expired or unknown media id is permanent not_found', async () => {
    const error = await expectDeliveryError(whatsappCloud.fetchAttachment!('meta-media:1234567890123456', runtime()));
    assert.deepEqual([error.retryable, error.code], [false, 'not_found']);
    assert.match(error.message, /no media 1234567890123456/);
  });

  it('a 500 or 429 from the Graph API is retryable, and the next try gets the file', async () => {
    const ref = `meta-media:${graph.addMedia('image/jpeg', JPEG)}`;
    graph.failDownloadsNext(1, 500);
    const down = await expectDeliveryError(whatsappCloud.fetchAttachment!(ref, runtime()));
    assert.deepEqual([down.retryable, down.code], [true, '2']);
    graph.failDownloadsNext(1, 429);
    const limited = await expectDeliveryError(whatsappCloud.fetchAttachment!(ref, runtime()));
    assert.deepEqual([limited.retryable, limited.code], [true, 'rate_limited']);
    assert.deepEqual((await whatsappCloud.fetchAttachment!(ref, runtime())).bytes, JPEG);
  });

  it('what is not a media id is refused before any request', async () => {
    const { fetch: recording, seen } = recordingFetch();
    for (const ref of ['https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', 'meta-media:', 'meta-media:../../me/accounts', 'telegram-file:AgAC']) {
      const error = await expectDeliveryError(whatsappCloud.fetchAttachment!(ref, runtime({}, recording)));
      assert.deepEqual([error.retryable, error.code], [false, 'invalid_url'], ref);
    }
    assert.deepEqual(seen, []);
  });

  it('a look-up answering a plain-http URL elsewhere, or a file over 100 MB, fetches nothing more', async () => {
    const elsewhere = await startServer();
    let answer: Record<string, unknown> = { url: `${elsewhere.url}/whatsapp_business/attachments/?mid=x`, mime_type: 'image/jpeg', file_size: 13, id: '1', messaging_product: 'whatsapp' };
    const api = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
    try {
      const viaApi = { ...runtime(), channel: { ...runtime().channel, config: { ...config, apiBaseUrl: api.url } } };
      const http = await expectDeliveryError(whatsappCloud.fetchAttachment!('meta-media:1', viaApi));
      assert.deepEqual([http.retryable, http.code], [false, 'invalid_url']);
      answer = { ...answer, url: `${api.url}/cdn/1`, file_size: 100 * 1024 * 1024 + 1 };
      const huge = await expectDeliveryError(whatsappCloud.fetchAttachment!('meta-media:1', viaApi));
      assert.deepEqual([huge.retryable, huge.code], [false, 'too_large']);
      assert.deepEqual([elsewhere.seen.length, api.seen.length], [0, 2]);
    } finally {
      await api.close();
      await elsewhere.close();
    }
  });
});

describe('Messenger and Instagram attachments: fetchAttachment', () => {
  let graph: MetaGraphFake;
  let config: PageMessagingConfig;
  let secrets: PageMessagingSecrets;
  const runtime = (fetcher: typeof fetch = fetch, apiBaseUrl = graph.url): ChannelRuntime<PageMessagingConfig, PageMessagingSecrets> => ({
    ...testRuntime('messenger', { ...config, apiBaseUrl }, secrets),
    fetch: fetcher,
  });
  before(async () => {
    graph = await startMetaGraphFake();
    config = { pageId: graph.pageId, apiBaseUrl: graph.url };
    secrets = { appSecret: APP_SECRET, pageAccessToken: graph.pageAccessToken, verifyToken: VERIFY_TOKEN };
  });
  after(() => graph.close());

  it("a photo from the webhook: its CDN URL gives back the bytes and type, fetched without the Page's token", async () => {
    const receiver = await startTestReceiver(messenger, { config, secrets });
    try {
      const cdnUrl = graph.addPageAttachment('image/jpeg', JPEG);
      const webhook = messengerTextWebhook({ pageId: graph.pageId, psid: '6789012345678901', text: 'here', attachments: [{ type: 'image', payload: { url: cdnUrl } }] });
      assert.equal((await postMetaWebhook(receiver.url, webhook.body, { appSecret: APP_SECRET })).status, 200);
      const url = (receiver.events[0] as InboundMessageEvent).attachments[0]!.url!;
      assert.equal(url, cdnUrl);
      const { fetch: recording, seen } = recordingFetch();
      assert.deepEqual(await messenger.fetchAttachment!(url, runtime(recording)), { bytes: JPEG, contentType: 'image/jpeg' });
      assert.deepEqual(seen, [{ url, authorization: null }]);
    } finally {
      await receiver.close();
    }
  });

  it('Instagram fetches its attachments the same way', async () => {
    const video = new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]);
    assert.deepEqual(await instagram.fetchAttachment!(graph.addPageAttachment('video/mp4', video), runtime()), { bytes: video, contentType: 'video/mp4' });
  });

  it('an expired link is permanent not_found', async () => {
    const expired = graph.addPageAttachment('image/jpeg', JPEG).replace(/_n\.jpg/, '_x.jpg');
    const error = await expectDeliveryError(messenger.fetchAttachment!(expired, runtime()));
    assert.deepEqual([error.retryable, error.code], [false, 'not_found']);
  });

  it('a WhatsApp media id, or a plain-http URL off the Graph host, is refused and nothing is requested', async () => {
    const elsewhere = await startServer();
    try {
      const { fetch: recording, seen } = recordingFetch();
      for (const [adapter, ref] of [
        [messenger, 'meta-media:1234567890123456'],
        [instagram, 'meta-media:1234567890123456'],
        [messenger, `${elsewhere.url}/v/t1.15752-9/photo_n.jpg`],
        [messenger, 'ftp://scontent.xx.fbcdn.net/photo.jpg'],
      ] as const) {
        const error = await expectDeliveryError(adapter.fetchAttachment!(ref, runtime(recording)));
        assert.deepEqual([error.retryable, error.code], [false, 'invalid_url'], ref);
      }
      assert.deepEqual([seen.length, elsewhere.seen.length], [0, 0]);
    } finally {
      await elsewhere.close();
    }
  });

  it("a 5xx from Meta's CDN is retryable; a redirect is followed only to https or the Graph host", async () => {
    let handler: RequestListener = (_req, res) => res.writeHead(503).end('busy');
    const cdn = await startServer((req, res) => handler(req, res));
    try {
      const busy = await expectDeliveryError(messenger.fetchAttachment!(`${cdn.url}/v/photo_n.jpg`, runtime(fetch, cdn.url)));
      assert.deepEqual([busy.retryable, busy.code], [true, 'http_503']);
      handler = (_req, res) => res.writeHead(302, { location: 'http://198.51.100.7/photo.jpg' }).end();
      const redirected = await expectDeliveryError(messenger.fetchAttachment!(`${cdn.url}/v/photo_n.jpg`, runtime(fetch, cdn.url)));
      assert.deepEqual([redirected.retryable, redirected.code], [false, 'invalid_url']);
    } finally {
      await cdn.close();
    }
  });
});
