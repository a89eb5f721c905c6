import { DomainError, ErrorCode, type Attachment, type InboundMessage } from '@switchboard/core';

/** The parts of a Cloud API webhook body the gateway reads. */
export interface WhatsAppWebhookBody {
  object: string;
  entry: { changes?: { field: string; value: WhatsAppChangeValue }[] }[];
}

interface WhatsAppChangeValue {
  metadata?: { phone_number_id?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WhatsAppMessage[];
  /** Sent, delivered, read and failed receipts of the bot's own messages: not acted on. */
  statuses?: unknown[];
}

interface WhatsAppMedia {
  id: string;
  mime_type?: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
}

export interface WhatsAppMessage {
  id: string;
  from: string;
  timestamp: string;
  type: string;
  /** Set on messages in a group; the Cloud API bot serves direct chats only. */
  group_id?: string;
  context?: { id?: string };
  text?: { body?: string };
  image?: WhatsAppMedia;
  document?: WhatsAppMedia;
  audio?: WhatsAppMedia;
  video?: WhatsAppMedia;
  button?: { text?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
}

/** Parses a webhook body; throws INVALID_INPUT when it is not a WhatsApp Business Account notification. */
export function parseWebhookBody(rawBody: Buffer): WhatsAppWebhookBody {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'the webhook body is not JSON');
  }
  const candidate = body as Partial<WhatsAppWebhookBody> | null;
  if (candidate?.object !== 'whatsapp_business_account' || !Array.isArray(candidate.entry)) {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'expected a whatsapp_business_account notification with an entry list');
  }
  return candidate as WhatsAppWebhookBody;
}

/**
 * The messages a webhook body carries for this phone number, mapped; one body can batch several.
 * Receipts (statuses), other numbers of the same business account, group messages and kinds
 * without text or a file (reactions, locations, contacts) are left out. Every chat is a direct
 * chat with the sender, whose id is their WhatsApp id (the phone number, digits only).
 */
export function mapWebhookMessages(body: WhatsAppWebhookBody, phoneNumberId: string, accountId: string): InboundMessage[] {
  const mapped: InboundMessage[] = [];
  for (const entry of body.entry) {
    for (const change of entry.changes ?? []) {
      const value = change.value;
      if (change.field !== 'messages' || value?.metadata?.phone_number_id !== phoneNumberId) continue;
      for (const message of value.messages ?? []) {
        const inbound = mapMessage(message, value.contacts ?? [], accountId);
        if (inbound) mapped.push(inbound);
      }
    }
  }
  return mapped;
}

function mapMessage(message: WhatsAppMessage, contacts: NonNullable<WhatsAppChangeValue['contacts']>, accountId: string): InboundMessage | null {
  if (typeof message?.id !== 'string' || typeof message.from !== 'string') {
    throw new DomainError(ErrorCode.INVALID_INPUT, 'a WhatsApp message without id or from');
  }
  if (message.group_id) return null;
  const attachment = attachmentOf(message);
  const text = textOf(message);
  if (text === '' && !attachment) return null;
  const name = contacts.find((contact) => contact.wa_id === message.from)?.profile?.name;
  const sentAt = Number(message.timestamp);
  return {
    platform: 'whatsapp',
    accountId,
    chatId: message.from,
    chatType: 'dm',
    platformMessageId: message.id,
    sender: { id: message.from, displayName: name },
    text,
    attachments: attachment ? [attachment] : [],
    mentionsBot: true,
    repliesToBot: false,
    replyToMessageId: message.context?.id,
    // WhatsApp's own time, so a redelivered notification maps to the same message.
    receivedAt: Number.isFinite(sentAt) && sentAt > 0 ? new Date(sentAt * 1000) : new Date(),
  };
}

function textOf(message: WhatsAppMessage): string {
  switch (message.type) {
    case 'text':
      return message.text?.body ?? '';
    case 'image':
    case 'document':
    case 'video':
      return message[message.type]?.caption ?? '';
    // Quick-reply buttons of templates, and buttons or list rows of interactive messages: the label tapped.
    case 'button':
      return message.button?.text ?? '';
    case 'interactive':
      return message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title ?? '';
    default:
      return '';
  }
}

function attachmentOf(message: WhatsAppMessage): Attachment | undefined {
  const { type } = message;
  if (type !== 'image' && type !== 'document' && type !== 'audio' && type !== 'video') return undefined;
  const media = message[type];
  if (!media?.id) return undefined;
  const kind = type === 'document' ? 'file' : type === 'audio' ? (media.voice ? 'voice' : 'audio') : type;
  return { kind, platformFileId: media.id, mimeType: media.mime_type?.split(';')[0].trim(), fileName: media.filename };
}
