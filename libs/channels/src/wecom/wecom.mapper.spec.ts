import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapAibotMessage, mapCallbackMessage, type AibotMessageBody } from './wecom.mapper';
import { parseFlatXml } from './wecom.xml';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const callbackFields = (name: string) => parseFlatXml(fixture(name))!;
const aibotBody = (name: string) => (JSON.parse(fixture(name)) as { body: AibotMessageBody }).body;

describe('mapCallbackMessage', () => {
  it('maps an app text to a direct message from its sender, at WeCom\'s time', () => {
    expect(mapCallbackMessage(callbackFields('text.xml'), 'default')).toEqual({
      platform: 'wecom',
      accountId: 'default',
      chatId: 'zhangsan',
      chatType: 'dm',
      platformMessageId: '7571234567890123456',
      sender: { id: 'zhangsan' },
      text: 'hello <world> & ]]> 你好',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: new Date(1764758400 * 1000),
    });
  });

  it('keeps an image as an attachment named by its MediaId', () => {
    expect(mapCallbackMessage(callbackFields('image.xml'), 'default')?.attachments).toEqual([{ kind: 'image', platformFileId: '1ZxR2lQ3mediaid', mimeType: 'image/jpeg' }]);
  });

  it('does not act on events', () => {
    expect(mapCallbackMessage(callbackFields('enter-agent.xml'), 'default')).toBeNull();
  });

  it('throws INVALID_INPUT for a message without a sender', () => {
    expect(() => mapCallbackMessage({ MsgType: 'text', Content: 'x', MsgId: '1' }, 'default')).toThrow(/FromUserName/);
  });
});

describe('mapAibotMessage', () => {
  it('maps a group message to the group chat, from its sender', () => {
    expect(mapAibotMessage(aibotBody('aibot-group-text.json'), 'default')).toMatchObject({
      chatId: 'wrkSFfCgAAfakegroup',
      chatType: 'group',
      sender: { id: 'zhangsan' },
      platformMessageId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=',
      text: '@Switchboard what is the time?',
      mentionsBot: true,
    });
  });

  it('joins the text items of a mixed message, in a direct chat with the sender', () => {
    expect(mapAibotMessage(aibotBody('aibot-single-mixed.json'), 'default')).toMatchObject({ chatId: 'lisi', chatType: 'dm', text: 'look at this\nwhat is it?' });
  });
});
