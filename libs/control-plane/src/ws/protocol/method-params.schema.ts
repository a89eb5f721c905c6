import { Static, TSchema, Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const key = () => Type.String({ minLength: 1, maxLength: 512 });
const idempotencyKey = () => Type.String({ minLength: 1, maxLength: 256 });

export const EmptyParamsSchema = Type.Object({}, closed);

// OpenClaw clients (its CLI among them) ask for a fresh probe instead of the cached summary.
export const HealthParamsSchema = Type.Object({ probe: Type.Optional(Type.Boolean()) }, closed);

export const SessionsListParamsSchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    search: Type.Optional(Type.String({ maxLength: 256 })),
  },
  closed,
);

export const SessionKeyParamsSchema = Type.Object({ key: key() }, closed);

export const ChatHistoryParamsSchema = Type.Object(
  { sessionKey: key(), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  closed,
);

/** Image formats a chat message may carry: those every provider that takes images accepts. */
export const CHAT_IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** 5 MiB of base64 (about 3.75 MiB of image): Anthropic's limit per image. */
export const MAX_CHAT_ATTACHMENT_BASE64_CHARS = 5 * 1024 * 1024;
export const MAX_CHAT_ATTACHMENTS = 8;

// OpenClaw's attachment shape ({type, mimeType, fileName, content}); images only, since that is
// what models take. `type` may be left out, as OpenClaw clients do.
export const ChatAttachmentSchema = Type.Object(
  {
    type: Type.Optional(Type.Literal('image')),
    mimeType: Type.Union(CHAT_IMAGE_MIME_TYPES.map((mimeType) => Type.Literal(mimeType))),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    content: Type.String({ minLength: 1, maxLength: MAX_CHAT_ATTACHMENT_BASE64_CHARS, format: 'base64' }),
  },
  closed,
);
export type ChatAttachment = Static<typeof ChatAttachmentSchema>;

export const ChatSendParamsSchema = Type.Object(
  {
    sessionKey: key(),
    message: Type.String(),
    idempotencyKey: idempotencyKey(),
    attachments: Type.Optional(Type.Array(ChatAttachmentSchema, { maxItems: MAX_CHAT_ATTACHMENTS })),
  },
  closed,
);

export const ChatAbortParamsSchema = Type.Object({ sessionKey: key(), runId: Type.Optional(key()) }, closed);

export const AgentParamsSchema = Type.Object(
  {
    message: Type.String(),
    sessionKey: Type.Optional(key()),
    agentId: Type.Optional(key()),
    channel: Type.Optional(key()),
    to: Type.Optional(key()),
    deliver: Type.Optional(Type.Boolean()),
    idempotencyKey: idempotencyKey(),
    // The ChatOptions openclaw-node 0.14 forwards when its caller sets them; the handler decides
    // which it honours and refuses those it cannot (e.g. attachments).
    attachments: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 32 })),
    thinking: Type.Optional(Type.String({ maxLength: 64 })),
    extraSystemPrompt: Type.Optional(Type.String({ maxLength: 16_384 })),
    label: Type.Optional(Type.String({ maxLength: 256 })),
    timeout: Type.Optional(Type.Integer({ minimum: 0 })),
    provider: Type.Optional(key()),
    model: Type.Optional(key()),
  },
  closed,
);

export const MAX_SEND_ATTACHMENTS = 8;

/** A file `send` delivers with the message: its bytes in base64 (the frame's size limit bounds it). */
export const SendAttachmentSchema = Type.Object(
  {
    // A name, not a path: no slashes and no control characters (the pattern's escapes are JSON Schema's).
    fileName: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^/\\\\\\u0000-\\u001f]+$' }),
    mimeType: Type.Optional(Type.String({ maxLength: 128, pattern: /^[\w.+-]+\/[\w.+-]+$/.source })),
    content: Type.String({ minLength: 1, format: 'base64' }),
  },
  closed,
);
export type SendAttachment = Static<typeof SendAttachmentSchema>;

export const SendParamsSchema = Type.Object(
  {
    to: key(),
    message: Type.String(),
    channel: Type.Optional(key()),
    accountId: Type.Optional(key()),
    attachments: Type.Optional(Type.Array(SendAttachmentSchema, { minItems: 1, maxItems: MAX_SEND_ATTACHMENTS })),
    idempotencyKey: idempotencyKey(),
  },
  closed,
);

export const PairingRequestParamsSchema = Type.Object({ requestId: key() }, closed);

/** Params schema of each core method (PROTOCOL.md table), for `registerMethod`. */
export const CoreMethodParams = {
  health: HealthParamsSchema,
  status: EmptyParamsSchema,
  'system-presence': EmptyParamsSchema,
  'channels.status': EmptyParamsSchema,
  'sessions.list': SessionsListParamsSchema,
  'sessions.preview': SessionKeyParamsSchema,
  'sessions.reset': SessionKeyParamsSchema,
  'sessions.delete': SessionKeyParamsSchema,
  'chat.history': ChatHistoryParamsSchema,
  'chat.send': ChatSendParamsSchema,
  'chat.abort': ChatAbortParamsSchema,
  agent: AgentParamsSchema,
  send: SendParamsSchema,
  'device.pair.list': EmptyParamsSchema,
  'device.pair.approve': PairingRequestParamsSchema,
  'device.pair.reject': PairingRequestParamsSchema,
  'models.list': EmptyParamsSchema,
} as const satisfies Record<string, TSchema>;

export type CoreMethodName = keyof typeof CoreMethodParams;
export type CoreMethodParamsOf<M extends CoreMethodName> = Static<(typeof CoreMethodParams)[M]>;
