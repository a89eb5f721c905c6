import type { Message, Update } from 'grammy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakePlatformServer } from '../fake-platform/fake-platform.server';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from './fake-telegram.server';
import { entitiesOf } from './fake-telegram.updates';

const fake = new FakeTelegramServer();

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => fake.clear());

type ApiReply = { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } };

async function api(method: string, body: unknown = {}, token = FAKE_TELEGRAM_TOKEN): Promise<ApiReply & { status: number }> {
  const response = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as ApiReply) };
}

async function upload(method: string, fields: Record<string, string>, file: { field: string; name: string; type: string; data: string }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(file.field, new Blob([file.data], { type: file.type }), file.name);
  const response = await fetch(`${fake.url}/bot${FAKE_TELEGRAM_TOKEN}/${method}`, { method: 'POST', body: form });
  return (await response.json()) as ApiReply;
}

function updateIds(reply: ApiReply): number[] {
  return (reply.result as Update[]).map((update) => update.update_id);
}

describe('FakeTelegramServer: the Bot API surface', () => {
  it('answers getMe for its token and 401 Unauthorized for another', async () => {
    expect((await api('getMe')).result).toMatchObject({ id: 7000000001, is_bot: true, username: 'switchboard_test_bot' });
    expect(await api('getMe', {}, '1:wrong')).toMatchObject({ status: 401, ok: false, error_code: 401, description: 'Unauthorized' });
    expect(await api('noSuchMethod')).toMatchObject({ status: 404, ok: false, description: 'Not Found' });
  });

  it('holds a long poll until an update is queued', async () => {
    // Polled before the update exists, answered with it: the poll was held. Its timeout outlasts the test's.
    const polling = api('getUpdates', { offset: 0, timeout: 60 });
    await fake.waitForCall({ path: `/bot${FAKE_TELEGRAM_TOKEN}/getUpdates` });
    const update = fake.queueUpdate(fake.build.privateText('hi'));

    expect(updateIds(await polling)).toEqual([update.update_id]);
  });

  it('answers an empty list when the poll times out', async () => {
    expect((await api('getUpdates', { timeout: 1 })).result).toEqual([]);
  });

  it('drops updates below the offset and reports it as confirmed', async () => {
    const [a, b, c] = ['one', 'two', 'three'].map((text) => fake.queueUpdate(fake.build.privateText(text)));

    expect(updateIds(await api('getUpdates', { limit: 2 }))).toEqual([a.update_id, b.update_id]);
    expect(updateIds(await api('getUpdates', { offset: b.update_id + 1 }))).toEqual([c.update_id]);
    expect(fake.confirmedOffset).toBe(b.update_id + 1);
    expect(fake.pendingUpdates).toEqual([c]);
  });

  it('ends an older long poll with 409 when a newer one arrives', async () => {
    const older = api('getUpdates', { timeout: 10 });
    await fake.waitForCall({ path: /getUpdates$/ });
    const newer = api('getUpdates', { timeout: 0 });

    expect(await older).toMatchObject({ status: 409, description: expect.stringContaining('terminated by other getUpdates request') });
    expect(await newer).toMatchObject({ ok: true, result: [] });
  });

  it('keeps a webhook, refuses getUpdates while it is set, and forgets it on deleteWebhook', async () => {
    await api('setWebhook', { url: 'https://example.test/hook', secret_token: 's3cret-s3cret-s3cret', allowed_updates: ['message'] });
    fake.queueUpdate(fake.build.privateText('pending'));

    expect(fake.webhook).toEqual({ url: 'https://example.test/hook', secretToken: 's3cret-s3cret-s3cret', allowedUpdates: ['message'] });
    expect((await api('getWebhookInfo')).result).toMatchObject({ url: 'https://example.test/hook', pending_update_count: 1 });
    expect(await api('getUpdates')).toMatchObject({ status: 409, description: expect.stringContaining('webhook is active') });

    await api('deleteWebhook', { drop_pending_updates: true });
    expect(fake.webhook).toBeUndefined();
    expect(await api('getUpdates')).toMatchObject({ ok: true, result: [] });
  });

  it('numbers messages per chat and keeps the current text with its edit history', async () => {
    const first = (await api('sendMessage', { chat_id: 42, text: 'Thinking…' })).result as Message;
    await api('sendMessage', { chat_id: -100777, text: 'elsewhere', message_thread_id: 5, reply_parameters: { message_id: 3 } });
    await api('editMessageText', { chat_id: 42, message_id: first.message_id, text: 'The answer is 4.' });

    expect(first).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, from: { username: 'switchboard_test_bot' }, text: 'Thinking…' });
    expect(fake.messagesIn(42)).toMatchObject([{ messageId: 1, text: 'The answer is 4.', history: ['Thinking…', 'The answer is 4.'] }]);
    expect(fake.messagesIn(-100777, 5)).toMatchObject([{ messageId: 1, threadId: 5, replyToMessageId: 3, text: 'elsewhere' }]);
  });

  it('refuses an edit that changes nothing, an unknown message and empty text like Telegram', async () => {
    const sent = (await api('sendMessage', { chat_id: 42, text: 'same' })).result as Message;

    expect(await api('editMessageText', { chat_id: 42, message_id: sent.message_id, text: 'same' })).toMatchObject({
      status: 400,
      description: expect.stringContaining('Bad Request: message is not modified'),
    });
    expect(await api('editMessageText', { chat_id: 42, message_id: 999, text: 'x' })).toMatchObject({
      status: 400,
      description: 'Bad Request: message to edit not found',
    });
    expect(await api('sendMessage', { chat_id: 42, text: '' })).toMatchObject({ status: 400, description: 'Bad Request: message text is empty' });
    expect(fake.messagesIn(42)).toMatchObject([{ text: 'same', history: ['same'] }]);
  });

  it('records chat actions', async () => {
    await api('sendChatAction', { chat_id: -100777, action: 'typing', message_thread_id: 9 });

    expect(fake.chatActions(-100777)).toEqual([{ action: 'typing', threadId: 9 }]);
  });

  it('takes uploads as grammy sends them (attach://) and serves them back through getFile', async () => {
    const photo = await upload('sendPhoto', { chat_id: '42', photo: 'attach://abc', caption: 'a chart' }, { field: 'abc', name: 'chart.png', type: 'image/png', data: 'png bytes' });
    const doc = await upload('sendDocument', { chat_id: '42' }, { field: 'document', name: 'notes.txt', type: 'text/plain', data: 'notes' });

    expect(fake.messagesIn(42)).toMatchObject([
      { kind: 'photo', text: 'a chart', fileName: 'chart.png' },
      { kind: 'document', text: '', fileName: 'notes.txt' },
    ]);
    expect(doc.result).toMatchObject({ document: { file_name: 'notes.txt', mime_type: 'text/plain' } });
    const fileId = (photo.result as Message).photo?.[0].file_id;
    const file = (await api('getFile', { file_id: fileId })).result as { file_path: string };
    const download = await fetch(`${fake.url}/file/bot${FAKE_TELEGRAM_TOKEN}/${file.file_path}`);
    expect(await download.text()).toBe('png bytes');
    expect(await api('getFile', { file_id: 'nope' })).toMatchObject({ status: 400, description: 'Bad Request: invalid file_id' });
  });

  it('parses multipart bodies in the unspaced, unquoted form grammy writes', async () => {
    const boundary = '----------grammyboundary';
    const body = [
      `--${boundary}`,
      'content-disposition:form-data;name="chat_id"',
      '',
      '42',
      `--${boundary}`,
      'content-disposition:form-data;name="document"',
      '',
      'attach://f1',
      `--${boundary}`,
      'content-disposition:form-data;name="f1";filename=notes v2.txt',
      'content-type:application/octet-stream',
      '',
      'the notes',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await fetch(`${fake.url}/bot${FAKE_TELEGRAM_TOKEN}/sendDocument`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });

    expect(response.status).toBe(200);
    expect(fake.messagesIn(42)).toMatchObject([{ kind: 'document', fileName: 'notes v2.txt' }]);
    expect(fake.messagesIn(42)[0].file?.toString()).toBe('the notes');
  });

  it('fails the next calls with a 429 carrying retry_after', async () => {
    fake.rateLimitNext('sendMessage', 7);

    expect(await api('sendMessage', { chat_id: 1, text: 'a' })).toMatchObject({
      status: 429,
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    expect(await api('sendMessage', { chat_id: 1, text: 'a' })).toMatchObject({ status: 200, ok: true });
  });
});

describe('FakeTelegramServer: building updates', () => {
  it('builds a private message from the fixture with fresh ids', () => {
    const a = fake.build.privateText('hello');
    const b = fake.build.privateText('again');

    expect(a.message).toMatchObject({ chat: { id: 111111111, type: 'private' }, from: { first_name: 'Alice' }, text: 'hello' });
    expect(a.message?.entities).toBeUndefined();
    expect(b.update_id).toBe(a.update_id + 1);
    expect(b.message?.message_id).toBe((a.message?.message_id ?? 0) + 1);
  });

  it('derives mention and command entities from the text as Telegram does', () => {
    expect(entitiesOf('@switchboard_test_bot hi, ask @alice_l')).toEqual([
      { type: 'mention', offset: 0, length: 21 },
      { type: 'mention', offset: 30, length: 8 },
    ]);
    expect(entitiesOf('/reset@switchboard_test_bot now')).toEqual([{ type: 'bot_command', offset: 0, length: 27 }]);
    expect(entitiesOf('mail me at a@example.com')).toEqual([]);
  });

  it('builds group, reply, topic and file updates', async () => {
    const group = fake.build.groupText(`@${fake.botUsername} status?`, { basicGroup: true });
    const sent = (await api('sendMessage', { chat_id: -1001234567890, text: 'All green.' })).result as Message;
    const reply = fake.build.replyToBot('thanks', fake.messagesIn(-1001234567890)[0]);
    const topic = fake.build.topicText('in the topic', { threadId: 23 });
    const doc = fake.build.document({ fileName: 'plan.md', mimeType: 'text/markdown', data: Buffer.from('# plan') });

    expect(group.message).toMatchObject({ chat: { type: 'group' }, entities: [{ type: 'mention', offset: 0, length: 21 }] });
    expect(reply.message).toMatchObject({
      chat: { id: -1001234567890, type: 'supergroup' },
      reply_to_message: { message_id: sent.message_id, from: { id: 7000000001 }, text: 'All green.' },
    });
    expect(reply.message?.message_id).toBeGreaterThan(sent.message_id);
    expect(topic.message).toMatchObject({ message_thread_id: 23, is_topic_message: true, reply_to_message: { message_id: 23, forum_topic_created: { name: 'Incidents' } } });
    const fileId = doc.message?.document?.file_id;
    const file = (await api('getFile', { file_id: fileId })).result as { file_path: string };
    expect(await (await fetch(`${fake.url}/file/bot${FAKE_TELEGRAM_TOKEN}/${file.file_path}`)).text()).toBe('# plan');
  });

  it('builds voice messages, downloadable, and refuses getFile over the Bot API limit of 20 MB', async () => {
    const voice = fake.build.voice({ data: Buffer.from('OggS bytes') });
    expect(voice.message?.voice).toMatchObject({ mime_type: 'audio/ogg', file_size: 10 });
    const file = (await api('getFile', { file_id: voice.message?.voice?.file_id })).result as { file_path: string };
    expect(await (await fetch(`${fake.url}/file/bot${FAKE_TELEGRAM_TOKEN}/${file.file_path}`)).text()).toBe('OggS bytes');

    const huge = fake.build.document({ fileName: 'huge.bin', data: Buffer.alloc(20 * 1024 * 1024 + 1) });
    expect(await api('getFile', { file_id: huge.message?.document?.file_id })).toMatchObject({ status: 400, description: 'Bad Request: file is too big' });
  });

  it('builds photos in four sizes, each downloadable', () => {
    const photo = fake.build.photo({ caption: 'look' });

    expect(photo.message?.photo?.map((size) => size.width)).toEqual([90, 320, 1280, 800]);
    expect(new Set(photo.message?.photo?.map((size) => size.file_id)).size).toBe(4);
    expect(photo.message?.caption).toBe('look');
  });
});

describe('FakeTelegramServer.deliverToWebhook', () => {
  const gateway = new FakePlatformServer().route('POST', '/webhooks/telegram', () => ({ body: 'ok' }));

  beforeAll(() => gateway.start());
  afterAll(() => gateway.stop());

  it('posts the update with the registered secret, as Telegram does', async () => {
    await api('setWebhook', { url: `${gateway.url}/webhooks/telegram`, secret_token: 'a-secret-of-16-chars' });
    const update = fake.build.privateText('via webhook');

    expect(await fake.deliverToWebhook(update)).toEqual({ status: 200, body: 'ok' });
    const [call] = gateway.calls();
    expect(call.headers['x-telegram-bot-api-secret-token']).toBe('a-secret-of-16-chars');
    expect(call.body).toEqual(update);
  });
});
