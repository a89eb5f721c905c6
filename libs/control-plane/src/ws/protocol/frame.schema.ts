import { Static, Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

export const StateVersionSchema = Type.Object(
  { presence: Type.Integer({ minimum: 0 }), health: Type.Integer({ minimum: 0 }) },
  closed,
);
export type StateVersion = Static<typeof StateVersionSchema>;

export const ErrorShapeSchema = Type.Object(
  {
    code: Type.String({ minLength: 1 }),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    retryable: Type.Optional(Type.Boolean()),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  closed,
);

export const RequestFrameSchema = Type.Object(
  {
    type: Type.Literal('req'),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    method: Type.String({ minLength: 1, maxLength: 128 }),
    params: Type.Optional(Type.Unknown()),
  },
  closed,
);
export type RequestFrame = Static<typeof RequestFrameSchema>;

// `id` may be empty: an error about a frame that had no usable id (e.g. non-JSON) still needs a frame.
export const ResponseFrameSchema = Type.Union([
  Type.Object({ type: Type.Literal('res'), id: Type.String(), ok: Type.Literal(true), payload: Type.Optional(Type.Unknown()) }, closed),
  Type.Object({ type: Type.Literal('res'), id: Type.String(), ok: Type.Literal(false), error: ErrorShapeSchema }, closed),
]);
export type ResponseFrame = Static<typeof ResponseFrameSchema>;

export const EventFrameSchema = Type.Object(
  {
    type: Type.Literal('event'),
    event: Type.String({ minLength: 1 }),
    payload: Type.Optional(Type.Unknown()),
    seq: Type.Optional(Type.Integer({ minimum: 1 })),
    stateVersion: Type.Optional(StateVersionSchema),
  },
  closed,
);
export type EventFrame = Static<typeof EventFrameSchema>;
