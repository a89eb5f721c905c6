import { DomainError, ErrorCode, type Attachment } from '@switchboard/core';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter } from './telegram.adapter';
import { mapTelegramUpdate } from './telegram.mapper';

const fake = new FakeTelegramServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => fake.clear());

const telegram = (maxDownloadBytes?: number) => new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: `${fake.url}/`, maxDownloadBytes });
const context = { accountId: 'default', bot: { id: fake.botUser.id, username: fake.botUsername } };
const attachmentsOf = (update: ReturnType<FakeTelegramServer['build']['photo']>): Attachment[] => mapTelegramUpdate(update, context)!.attachments;
const downloads = () => fake.calls().filter((call) => call.path.startsWith('/file/'));
const getFiles = () => fake.calls({ path: `/bot${FAKE_TELEGRAM_TOKEN}/getFile` });

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('TelegramAdapter.downloadAttachment', () => {
  it('fetches the largest size of a photo through getFile and the file path on the configured API root', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const [photo] = attachmentsOf(fake.build.photo({ data: jpeg }));

    expect(await telegram().downloadAttachment(photo)).toEqual(jpeg);
    expect(getFiles()).toHaveLength(1);
    expect(downloads()).toHaveLength(1);
  });

  it('fetches a document and a voice message', async () => {
    const [document] = attachmentsOf(fake.build.document({ fileName: 'notes.txt', mimeType: 'text/plain', data: Buffer.from('the notes') }));
    const [voice] = attachmentsOf(fake.build.voice({ data: Buffer.from('OggS voice') }));

    expect((await telegram().downloadAttachment(document)).toString()).toBe('the notes');
    expect(voice).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg' });
    expect((await telegram().downloadAttachment(voice)).toString()).toBe('OggS voice');
  });

  it('refuses a file over the limit by its announced size, without asking Telegram for it', async () => {
    const [document] = attachmentsOf(fake.build.document({ fileName: 'big.bin', data: Buffer.alloc(2_000) }));

    const error = await failureOf(telegram(1_000).downloadAttachment(document));

    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(error.userMessage).toBe('larger than the 1000 B download limit');
    expect(getFiles()).toHaveLength(0);
  });

  it('refuses a file over the limit by the size getFile gives when the message gave none', async () => {
    const [document] = attachmentsOf(fake.build.document({ fileName: 'big.bin', data: Buffer.alloc(2_000) }));

    const error = await failureOf(telegram(1_000).downloadAttachment({ ...document, sizeBytes: undefined }));

    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(getFiles()).toHaveLength(1);
    expect(downloads()).toHaveLength(0);
  });

  it('fails with a message that does not quote the bot token when the file is gone', async () => {
    const [document] = attachmentsOf(fake.build.document({ fileName: 'gone.txt' }));
    fake.failNext('GET', '/file/bot:token/:dir/:name', { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });

    const error = await failureOf(telegram().downloadAttachment(document));

    expect(error.message).toBe('Telegram file download failed: HTTP 404');
    expect(JSON.stringify(error)).not.toContain(FAKE_TELEGRAM_TOKEN.split(':')[1]);
  });

  it('passes an unknown file id on as INVALID_INPUT', async () => {
    const error = await failureOf(telegram().downloadAttachment({ kind: 'image', platformFileId: 'no-such-file' }));
    expect(error).toMatchObject({ code: ErrorCode.INVALID_INPUT, message: expect.stringContaining('invalid file_id') });
  });
});
