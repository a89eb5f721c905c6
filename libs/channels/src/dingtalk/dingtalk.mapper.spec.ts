import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@switchboard/core';
import dmFile from './fixtures/dm-file.json';
import dmPicture from './fixtures/dm-picture.json';
import dmText from './fixtures/dm-text.json';
import groupMention from './fixtures/group-mention.json';
import { mapDingTalkMessage, type DingTalkRobotMessage } from './dingtalk.mapper';

const map = (payload: object) => mapDingTalkMessage(payload as DingTalkRobotMessage, 'default');

describe('mapDingTalkMessage', () => {
  it('maps a DM to a chat keyed by the sender\'s user id, addressed to the bot, with its session webhook', () => {
    const mapped = map(dmText);
    expect(mapped?.message).toEqual({
      platform: 'dingtalk',
      accountId: 'default',
      chatId: 'manager4220',
      chatType: 'dm',
      platformMessageId: 'msgPq7Vs3gQOm1qhbPAXGAUnQ==',
      sender: { id: 'manager4220', displayName: 'Li Wei' },
      text: 'what is on my calendar today?',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: new Date(1764748500000),
    });
    expect(mapped?.sessionWebhook).toEqual({ url: dmText.sessionWebhook, expiresAt: 1764753900000 });
  });

  it('maps a group @mention to the conversation, mentioning the bot, the leading space trimmed', () => {
    const message = map(groupMention)?.message;
    expect(message).toMatchObject({ chatId: 'cidRvJ9Tcn4MZ3qLPy5kDhAEw==', chatType: 'group', mentionsBot: true, text: 'summarise the release notes' });
    expect(message?.sender).toEqual({ id: '01234567891234', displayName: 'Zhang Min' });
  });

  it('tells a group message that does not @ the robot by isInAtList', () => {
    expect(map({ ...groupMention, isInAtList: false })?.message.mentionsBot).toBe(false);
    const { isInAtList: _ignored, ...withoutFlag } = groupMention;
    expect(map({ ...withoutFlag, atUsers: [] })?.message.mentionsBot).toBe(false);
    expect(map(withoutFlag)?.message.mentionsBot).toBe(true);
  });

  it('maps a picture and a file to attachments fetched by their download codes', () => {
    expect(map(dmPicture)?.message.attachments).toEqual([{ kind: 'image', platformFileId: dmPicture.content.downloadCode, fileName: undefined }]);
    expect(map(dmFile)?.message.attachments).toEqual([{ kind: 'file', platformFileId: dmFile.content.downloadCode, fileName: 'Q3 budget.xlsx' }]);
  });

  it('uses the sender id when a user from another organisation has no staff id', () => {
    const { senderStaffId: _ignored, ...external } = dmText;
    expect(map(external)?.message).toMatchObject({ chatId: dmText.senderId, sender: { id: dmText.senderId } });
  });

  it('ignores kinds it does not act on and empty texts', () => {
    expect(map({ ...dmText, msgtype: 'interactiveCard' })).toBeNull();
    expect(map({ ...dmText, text: { content: '   ' } })).toBeNull();
  });

  it('throws INVALID_INPUT on a payload without its ids', () => {
    expect(() => map({ ...dmText, msgId: undefined })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
    expect(() => map({ ...dmText, createAt: 'today' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });
});
