import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError, ErrorCode, type AttachmentKind, type InboundMessage } from '@switchboard/core';

const id = (what: string) => z.string({ error: `expected ${what} (a string)` }).trim().min(1, `expected ${what}`).max(128, `${what} is longer than 128 characters`);

/**
 * The body of `POST /webhooks/generic` (README: "Generic signed webhook"). `id` is the caller's
 * message id: a request sent again with the same id is answered once.
 */
export const genericWebhookRequestSchema = z
  .object({
    id: id('id, the message id'),
    chat: z.object({ id: id('chat.id'), type: z.enum(['dm', 'group'], { error: 'expected chat.type dm or group' }).default('dm') }, { error: 'expected chat: {id, type}' }),
    sender: z.object({ id: id('sender.id'), name: z.string().trim().max(128).optional() }, { error: 'expected sender: {id, name?}' }),
    text: z.string({ error: 'expected text (a string, may be empty with attachments)' }).max(100_000, 'text is longer than 100,000 characters').default(''),
    attachments: z
      .array(
        z.object({
          url: z.url({ protocol: /^https?$/, error: 'expected attachments[].url, an http(s) URL' }),
          kind: z.enum(['image', 'file', 'audio', 'voice', 'video']).optional(),
          mimeType: z.string().max(128).optional(),
          fileName: z.string().max(256).optional(),
        }),
      )
      .max(10, 'at most 10 attachments')
      .default([]),
    /** In a group, whether the message is addressed to the bot (it answers only then); always true in a DM. */
    mentionsBot: z.boolean().optional(),
    /** `sync`: the HTTP answer waits for the reply; `callback` (default): it goes to WEBHOOK_CALLBACK_URL. */
    reply: z.enum(['sync', 'callback'], { error: 'expected reply sync or callback' }).default('callback'),
  })
  .strict();

export type GenericWebhookRequest = z.infer<typeof genericWebhookRequestSchema>;

/** Parses a request body; throws INVALID_INPUT naming the first field that is wrong. */
export function parseGenericRequest(rawBody: Buffer): GenericWebhookRequest {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'the body is not JSON');
  }
  const parsed = genericWebhookRequestSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue.path.join('.');
    throw new DomainError(ErrorCode.INVALID_INPUT, where ? `${where}: ${issue.message}` : issue.message);
  }
  if (parsed.data.text.trim() === '' && parsed.data.attachments.length === 0) throw new DomainError(ErrorCode.INVALID_INPUT, 'text: expected text or attachments');
  return parsed.data;
}

/** The request as the inbound pipeline takes it; an attachment's URL is its platform file id. */
export function toInboundMessage(request: GenericWebhookRequest, accountId: string, receivedAt: Date): InboundMessage {
  const group = request.chat.type === 'group';
  return {
    platform: 'generic',
    accountId,
    chatId: request.chat.id,
    chatType: request.chat.type,
    platformMessageId: request.id,
    sender: { id: request.sender.id, displayName: request.sender.name },
    text: request.text,
    attachments: request.attachments.map((attachment) => ({
      kind: attachment.kind ?? kindOf(attachment.mimeType),
      platformFileId: attachment.url,
      mimeType: attachment.mimeType,
      fileName: attachment.fileName,
    })),
    mentionsBot: group ? (request.mentionsBot ?? false) : true,
    repliesToBot: false,
    receivedAt,
  };
}

/**
 * The webhook-id of a reply: the same for the same text to the same chat in answer to the same
 * message, so a reply the gateway sends again (a retry after a failed POST) can be recognised by
 * the receiver, and different for every other message.
 */
export function replyWebhookId(accountId: string, chatId: string, replyTo: string | undefined, text: string): string {
  const digest = createHash('sha256').update(JSON.stringify([accountId, chatId, replyTo ?? '', text])).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

function kindOf(mimeType: string | undefined): AttachmentKind {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}
