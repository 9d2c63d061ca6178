import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTelegramFake, type TelegramFake } from './telegram.ts';

describe('startTelegramFake: files', () => {
  const token = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
  let telegram: TelegramFake;
  before(async () => {
    telegram = await startTelegramFake({ botToken: token });
  });
  after(() => telegram.close());

  it('getFile (GET or POST) answers the file_path, which downloads with the token', async () => {
    const fileId = telegram.addFile(bytes, 'photos/file_12.jpg');
    const viaGet = (await (await fetch(`${telegram.url}/bot${token}/getFile?file_id=${fileId}`)).json()) as { ok: boolean; result: Record<string, unknown> };
    const viaPost = (await (
      await fetch(`${telegram.url}/bot${token}/getFile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: fileId }) })
    ).json()) as { ok: boolean; result: Record<string, unknown> };
    assert.deepEqual(viaPost, viaGet);
    assert.equal(viaGet.ok, true);
    assert.deepEqual(Object.keys(viaGet.result).sort(), ['file_id', 'file_path', 'file_size', 'file_unique_id']);
    assert.deepEqual([viaGet.result.file_id, viaGet.result.file_path, viaGet.result.file_size], [fileId, 'photos/file_12.jpg', 6]);
    const file = await fetch(`${telegram.url}/file/bot${token}/photos/file_12.jpg`);
    assert.deepEqual([file.status, new Uint8Array(await file.arrayBuffer())], [200, bytes]);
  });

  it("refuses another bot's token, an unknown file_id and an unknown path as Telegram does", async () => {
    const fileId = telegram.addFile(bytes, 'documents/file_3.pdf');
    const wrong = await fetch(`${telegram.url}/bot1:wrong/getFile?file_id=${fileId}`);
    assert.deepEqual([wrong.status, await wrong.json()], [401, { ok: false, error_code: 401, description: 'Unauthorized' }]);
    assert.equal((await fetch(`${telegram.url}/file/bot1:wrong/documents/file_3.pdf`)).status, 401);
    const unknown = await fetch(`${telegram.url}/bot${token}/getFile?file_id=AgACAgQ-missing`);
    assert.deepEqual([unknown.status, await unknown.json()], [400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }]);
    assert.equal((await fetch(`${telegram.url}/file/bot${token}/documents/file_4.pdf`)).status, 404);
  });

  it('fails the next getFile calls as told, sends untouched', async () => {
    const fileId = telegram.addFile(bytes, 'voice/file_5.oga');
    telegram.failDownloadsNext(1, 500);
    assert.equal((await fetch(`${telegram.url}/bot${token}/getFile?file_id=${fileId}`)).status, 500);
    assert.equal((await fetch(`${telegram.url}/bot${token}/getFile?file_id=${fileId}`)).status, 200);
    assert.equal(telegram.attempts, 0);
  });
});
