import { ErrorCode } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import file from './fixtures/file.json';
import groupMention from './fixtures/group-mention.json';
import image from './fixtures/image.json';
import p2pText from './fixtures/p2p-text.json';
import post from './fixtures/post.json';
import threadReply from './fixtures/thread-reply.json';
import { mapFeishuEvent, parseResourceId, type FeishuEventEnvelope } from './feishu.mapper';

const context = { accountId: 'default', botOpenId: 'ou_bot0000000000000000000000000000' };
const map = (envelope: unknown) => mapFeishuEvent(envelope as FeishuEventEnvelope, context);

describe('mapFeishuEvent', () => {
  it('maps a direct text message, addressed to the bot by being a DM', () => {
    expect(map(p2pText)).toEqual({
      platform: 'feishu',
      accountId: 'default',
      chatId: 'oc_5ad11d72b830411d72b836c20',
      threadId: undefined,
      chatType: 'dm',
      platformMessageId: 'om_dc13264520392913993dd051dba21dcf',
      sender: { id: 'ou_7d8a6e6df7621556ce0d21922b676706cc' },
      text: 'What is the capital of France?',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      replyToMessageId: undefined,
      receivedAt: new Date(1733216400123),
    });
  });

  it('shows mentions by name and tells a mention of the bot from one of someone else', () => {
    const message = map(groupMention);
    expect(message).toMatchObject({ chatType: 'group', text: '@Switchboard summarise the thread, @Bob take notes', mentionsBot: true });
    const onlyBob = structuredClone(groupMention);
    onlyBob.event.message.mentions = onlyBob.event.message.mentions.slice(1);
    expect(map(onlyBob)?.mentionsBot).toBe(false);
  });

  it('puts a message in a thread into that thread (its root message)', () => {
    expect(map(threadReply)).toMatchObject({
      chatType: 'thread',
      threadId: 'om_thread_root_0000000000000000000001',
      replyToMessageId: 'om_thread_root_0000000000000000000001',
    });
  });

  it('maps images and files to attachments fetched by message and key', () => {
    const photo = map(image);
    expect(photo).toMatchObject({ text: '', attachments: [{ kind: 'image' }] });
    expect(parseResourceId(photo!.attachments[0].platformFileId)).toEqual({
      messageId: 'om_image00000000000000000000000001',
      fileKey: 'img_v2_041b28e3-5680-48c2-9af2-497ace79333g',
    });
    expect(map(file)?.attachments).toEqual([{ kind: 'file', fileName: 'report.pdf', platformFileId: expect.stringMatching(/^om_file.*\/file_v3_/) }]);
  });

  it('reads rich text (post): title and paragraphs as lines, mentions by name, images as attachments', () => {
    expect(map(post)).toMatchObject({
      text: 'Weekly notes\n@Switchboard please read the notes\nThanks!',
      mentionsBot: true,
      attachments: [{ kind: 'image', platformFileId: 'om_post000000000000000000000000001/img_v2_post0000-0000-0000-0000-000000000000' }],
    });
  });

  it('ignores other events, messages from apps and message types it cannot show', () => {
    expect(map({ ...p2pText, header: { ...p2pText.header, event_type: 'im.chat.member.bot.added_v1' } })).toBeNull();
    const fromApp = structuredClone(p2pText);
    fromApp.event.sender.sender_type = 'app';
    expect(map(fromApp)).toBeNull();
    const sticker = structuredClone(p2pText);
    sticker.event.message.message_type = 'sticker';
    sticker.event.message.content = '{"file_key":"sticker_key"}';
    expect(map(sticker)).toBeNull();
  });

  it('throws INVALID_INPUT for a message it cannot read at all', () => {
    const broken = structuredClone(p2pText);
    broken.event.message.content = 'not json';
    expect(() => map(broken)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
    expect(() => map({ ...p2pText, event: { sender: p2pText.event.sender } })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });
});
