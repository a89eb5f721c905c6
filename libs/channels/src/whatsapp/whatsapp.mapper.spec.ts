import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isDomainError } from '@switchboard/core';
import { mapWebhookMessages, parseWebhookBody } from './whatsapp.mapper';

const PHONE_NUMBER_ID = '106540352242922';
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
const mapped = (name: string, phoneNumberId = PHONE_NUMBER_ID) => mapWebhookMessages(parseWebhookBody(fixture(name)), phoneNumberId, 'default');

describe('WhatsApp mapper', () => {
  it('maps every message of a batched notification: a text with escaped non-ASCII, then a voice note', () => {
    const [text, voice] = mapped('text-and-voice.json');

    expect(text).toMatchObject({
      platform: 'whatsapp',
      chatId: '4915112345678',
      chatType: 'dm',
      sender: { id: '4915112345678', displayName: 'Jürgen' },
      text: 'Grüße 👋',
      attachments: [],
      mentionsBot: true,
      receivedAt: new Date(1764720000 * 1000),
    });
    expect(voice).toMatchObject({ text: '', attachments: [{ kind: 'voice', platformFileId: '1003383421387256', mimeType: 'audio/ogg' }] });
  });

  it('takes an image caption as the text, and a document with its file name and the message it quotes', () => {
    const [image, document] = mapped('image-and-document.json');

    expect(image).toMatchObject({ text: 'What is this?', attachments: [{ kind: 'image', platformFileId: '1479537139650973', mimeType: 'image/jpeg' }] });
    expect(document).toMatchObject({
      text: '',
      attachments: [{ kind: 'file', fileName: 'invoice.pdf', mimeType: 'application/pdf' }],
      replyToMessageId: 'wamid.HBgNNDkxNTExMjM0NTY3OBEGARIYFjNFQjAxMTIyMzM0NDU1NjY3Nzg4OQA=',
    });
  });

  it('ignores read receipts and notifications for another phone number of the business account', () => {
    expect(mapped('status-read.json')).toEqual([]);
    expect(mapped('text-and-voice.json', '999999999999999')).toEqual([]);
  });

  it('ignores group messages, reactions and locations', () => {
    const body = JSON.parse(fixture('text-and-voice.json').toString());
    const [text] = body.entry[0].changes[0].value.messages;
    body.entry[0].changes[0].value.messages = [
      { ...text, group_id: 'g1' },
      { ...text, id: 'wamid.r', type: 'reaction', text: undefined, reaction: { emoji: '👍', message_id: 'wamid.x' } },
      { ...text, id: 'wamid.l', type: 'location', text: undefined, location: { latitude: 1, longitude: 2 } },
    ];
    expect(mapWebhookMessages(body, PHONE_NUMBER_ID, 'default')).toEqual([]);
  });

  it('refuses a body that is not a WhatsApp Business Account notification, naming why', () => {
    const refusal = (raw: string) => {
      try {
        parseWebhookBody(Buffer.from(raw));
      } catch (error) {
        return isDomainError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'accepted';
    };
    expect(refusal('not json')).toBe(`${ErrorCode.INVALID_INPUT}: the webhook body is not JSON`);
    expect(refusal('{"object":"page","entry":[]}')).toBe(`${ErrorCode.INVALID_INPUT}: expected a whatsapp_business_account notification with an entry list`);
  });
});
