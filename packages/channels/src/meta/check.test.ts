import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectCheckFailure, startMetaGraphFake, unreachableUrl, type MetaGraphFake } from '@casekit/testkit/providers';
import { testRuntime } from './internal/test-support.ts';
import { instagram, messenger } from './page-messaging.ts';
import { whatsappCloud } from './whatsapp-cloud.ts';

const APP = { appSecret: 'c0ffee00c0ffee00c0ffee00c0ffee00', verifyToken: 'casekit-verify-7d1f' };

describe('Meta checks: the Graph nodes on the fake', () => {
  let graph: MetaGraphFake;
  let unlinked: MetaGraphFake;
  before(async () => {
    graph = await startMetaGraphFake({ verifiedName: 'Northwind ISP', pageName: 'Northwind on Facebook', instagramAccountId: '17841405309211844' });
    unlinked = await startMetaGraphFake({ instagramAccountId: null });
  });
  after(async () => {
    await graph.close();
    await unlinked.close();
  });

  const whatsapp = (overrides: { phoneNumberId?: string; accessToken?: string; apiBaseUrl?: string } = {}) => {
    const { config, secrets } = whatsappCloud.validate({
      config: { phoneNumberId: overrides.phoneNumberId ?? graph.phoneNumberId, apiBaseUrl: overrides.apiBaseUrl ?? graph.url },
      secrets: { ...APP, accessToken: overrides.accessToken ?? graph.accessToken },
    });
    return whatsappCloud.check!(testRuntime('whatsapp-cloud', config, secrets));
  };
  const page = (adapter: typeof messenger, fake: MetaGraphFake, overrides: { pageId?: string; pageAccessToken?: string; instagramAccountId?: string; apiBaseUrl?: string } = {}) => {
    const { config, secrets } = adapter.validate({
      config: { pageId: overrides.pageId ?? fake.pageId, apiBaseUrl: overrides.apiBaseUrl ?? fake.url, ...(overrides.instagramAccountId && { instagramAccountId: overrides.instagramAccountId }) },
      secrets: { ...APP, pageAccessToken: overrides.pageAccessToken ?? fake.pageAccessToken },
    });
    return adapter.check!(testRuntime(adapter.kind, config, secrets));
  };

  it("WhatsApp Cloud: names the number's display number and verified name", async () => {
    assert.deepEqual(await whatsapp(), { ok: true, detail: 'WhatsApp number +1 555-078-3881 (“Northwind ISP”).' });
  });

  it('WhatsApp Cloud: blames the access token Meta refuses, and the Phone number ID it cannot reach', async () => {
    assert.match(expectCheckFailure(await whatsapp({ accessToken: 'EAAJexpired' }), 'auth', 'secrets.accessToken'), /Meta error 190/);
    // The Page token is a valid token, but not one for this number.
    assert.match(expectCheckFailure(await whatsapp({ accessToken: graph.pageAccessToken }), 'not_found', 'config.phoneNumberId'), /Meta error 100\/33/);
    expectCheckFailure(await whatsapp({ phoneNumberId: '999000111222333' }), 'not_found', 'config.phoneNumberId');
  });

  it('Messenger: names the Page; a wrong token or Page ID is named', async () => {
    assert.deepEqual(await page(messenger, graph), { ok: true, detail: `Facebook Page “Northwind on Facebook” (${graph.pageId}).` });
    expectCheckFailure(await page(messenger, graph, { pageAccessToken: 'EAAJwrong' }), 'auth', 'secrets.pageAccessToken');
    expectCheckFailure(await page(messenger, graph, { pageId: '100000000000001' }), 'not_found', 'config.pageId');
  });

  it('Instagram: the Page must be linked to the configured Instagram account', async () => {
    assert.deepEqual(await page(instagram, graph, { instagramAccountId: '17841405309211844' }), {
      ok: true,
      detail: `Facebook Page “Northwind on Facebook” (${graph.pageId}), linked to Instagram account 17841405309211844.`,
    });
    assert.match(expectCheckFailure(await page(instagram, graph, { instagramAccountId: '17841400000000999' }), 'not_found', 'config.instagramAccountId'), /linked to Instagram account 17841405309211844, not 17841400000000999/);
    expectCheckFailure(await page(instagram, unlinked), 'misconfigured', 'config.pageId');
  });

  it('says Meta cannot be reached, worth another try', async () => {
    const url = await unreachableUrl();
    expectCheckFailure(await whatsapp({ apiBaseUrl: url }), 'unreachable', 'config.apiBaseUrl');
    expectCheckFailure(await page(messenger, graph, { apiBaseUrl: url }), 'unreachable', 'config.apiBaseUrl');
  });
});
