import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

/** An `im.message.receive_v1` event as Feishu sends it (schema 2.0), before encryption. */
export interface FeishuEnvelope {
  schema: '2.0';
  header: { event_id: string; token: string; create_time: string; event_type: string; tenant_key: string; app_id: string };
  event: { sender: { sender_id: { open_id: string; union_id: string }; sender_type: string; tenant_key: string }; message: Record<string, unknown> };
}

export interface FeishuUser {
  openId: string;
  name: string;
}

/** Where a built message is said: a DM (`p2p`) or a group, and optionally a thread in the group. */
export interface FeishuChatRef {
  chatId: string;
  type: 'p2p' | 'group';
  /** Root message of the thread the message is posted in. */
  threadRoot?: string;
  /** The message this one quotes (a reply outside threads). */
  replyTo?: string;
}

/** A webhook POST as Feishu makes it: the exact body bytes and the headers. */
export interface FeishuWebhookDelivery {
  body: string;
  headers: Record<string, string>;
}

const TENANT = 'fake-tenant-0001';

/**
 * Builds realistic incoming events (text with mentions, images, files) and webhook deliveries
 * (encrypted and signed the way Feishu does). Built messages are remembered by the fake so a reply
 * to one lands in its chat, and their files can be downloaded.
 */
export class FeishuEventBuilder {
  constructor(
    private readonly rememberMessage: (messageId: string, chatId: string) => void,
    private readonly rememberResource: (key: string, data: Buffer) => void,
  ) {}

  text(input: { from: FeishuUser; chat: FeishuChatRef; text: string; mention?: { openId: string; name: string }[]; appId: string; token: string }): FeishuEnvelope {
    const mentions = this.mentions(input.mention ?? []);
    const prefix = mentions.map((mention) => `${mention.key} `).join('');
    return this.envelope(input, 'text', { text: `${prefix}${input.text}` }, mentions);
  }

  /** An image (`kind: 'image'`) or file message whose bytes the fake serves at resource download. */
  file(input: { from: FeishuUser; chat: FeishuChatRef; kind: 'image' | 'file'; fileName: string; data: Buffer; appId: string; token: string }): FeishuEnvelope {
    const key = input.kind === 'image' ? `img_v2_${randomUUID()}` : `file_v3_${randomUUID()}`;
    const content = input.kind === 'image' ? { image_key: key } : { file_key: key, file_name: input.fileName };
    const envelope = this.envelope(input, input.kind, content, []);
    this.rememberResource(`${String(envelope.event.message.message_id)}/${key}`, input.data);
    return envelope;
  }

  /** Rich text (`post`): the text, mentions first, and an image below it whose bytes the fake serves. */
  post(input: { from: FeishuUser; chat: FeishuChatRef; text: string; image: Buffer; mention?: { openId: string; name: string }[]; appId: string; token: string }): FeishuEnvelope {
    const key = `img_v2_${randomUUID()}`;
    const mentions = this.mentions(input.mention ?? []);
    const line = [...mentions.map((mention) => ({ tag: 'at', user_id: mention.key, user_name: mention.name })), { tag: 'text', text: mentions.length ? ` ${input.text}` : input.text }];
    const envelope = this.envelope(input, 'post', { title: '', content: [line, [{ tag: 'img', image_key: key }]] }, mentions);
    this.rememberResource(`${String(envelope.event.message.message_id)}/${key}`, input.image);
    return envelope;
  }

  private mentions(users: { openId: string; name: string }[]) {
    return users.map((user, index) => ({
      key: `@_user_${index + 1}`,
      id: { open_id: user.openId, union_id: `on_${user.openId.slice(3)}`, user_id: '' },
      name: user.name,
      tenant_key: TENANT,
    }));
  }

  private envelope(
    input: { from: FeishuUser; chat: FeishuChatRef; appId: string; token: string },
    messageType: string,
    content: Record<string, unknown>,
    mentions: unknown[],
  ): FeishuEnvelope {
    const messageId = `om_${randomUUID().replace(/-/g, '')}`;
    this.rememberMessage(messageId, input.chat.chatId);
    const now = String(Date.now());
    const thread = input.chat.threadRoot
      ? { root_id: input.chat.threadRoot, parent_id: input.chat.threadRoot, thread_id: `omt_${input.chat.threadRoot.slice(3, 15)}` }
      : input.chat.replyTo
        ? { root_id: input.chat.replyTo, parent_id: input.chat.replyTo }
        : {};
    return {
      schema: '2.0',
      header: { event_id: randomUUID().replace(/-/g, ''), token: input.token, create_time: now, event_type: 'im.message.receive_v1', tenant_key: TENANT, app_id: input.appId },
      event: {
        sender: { sender_id: { open_id: input.from.openId, union_id: `on_${input.from.openId.slice(3)}` }, sender_type: 'user', tenant_key: TENANT },
        message: {
          message_id: messageId,
          ...thread,
          create_time: now,
          update_time: now,
          chat_id: input.chat.chatId,
          chat_type: input.chat.type,
          message_type: messageType,
          content: JSON.stringify(content),
          ...(mentions.length ? { mentions } : {}),
        },
      },
    };
  }
}

/**
 * The webhook POST for a body: encrypted (`{encrypt}`) and signed with `X-Lark-Signature` when an
 * encrypt key is given, as Feishu does; `signWith` signs with another key (a forgery).
 */
export function feishuWebhookDelivery(payload: unknown, options: { encryptKey?: string; signWith?: string; timestamp?: string } = {}): FeishuWebhookDelivery {
  const plain = JSON.stringify(payload);
  if (!options.encryptKey) return { body: plain, headers: { 'content-type': 'application/json' } };
  const body = JSON.stringify({ encrypt: encryptForFeishu(plain, options.encryptKey) });
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const signature = createHash('sha256')
    .update(timestamp + nonce + (options.signWith ?? options.encryptKey) + body)
    .digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature },
  };
}

/** The URL check Feishu posts when the request URL is saved in the developer console. */
export function feishuUrlVerification(token: string, challenge: string = randomUUID()): { challenge: string; token: string; type: 'url_verification' } {
  return { challenge, token, type: 'url_verification' };
}

/** base64(iv ‖ AES-256-CBC(key = SHA-256(encryptKey), iv, text)). */
export function encryptForFeishu(text: string, encryptKey: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
  return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}
