import { Static, Type } from '@sinclair/typebox';
import { StateVersionSchema } from './frame.schema';
import { OPERATOR_SCOPES, ROLES } from './scopes';

const closed = { additionalProperties: false } as const;
// Bounds keep a hostile pre-auth frame from costing more than its 64 KiB.
const text = (maxLength = 256) => Type.String({ maxLength });
const list = (maxItems = 64) => Type.Array(text(), { maxItems });

export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test'] as const;

export const ConnectClientSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256 }),
    version: text(),
    platform: text(),
    mode: Type.Union(CLIENT_MODES.map((mode) => Type.Literal(mode))),
    displayName: Type.Optional(text()),
    instanceId: Type.Optional(text()),
    // Signed by v3 device payloads; PROTOCOL.md names it there but not in the client object.
    deviceFamily: Type.Optional(text()),
  },
  closed,
);

export const ConnectAuthSchema = Type.Object(
  {
    token: Type.Optional(text(1024)),
    password: Type.Optional(text(1024)),
    deviceToken: Type.Optional(text(1024)),
  },
  closed,
);

export const ConnectDeviceSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    publicKey: Type.String({ minLength: 1, maxLength: 128 }),
    signature: Type.String({ minLength: 1, maxLength: 256 }),
    signedAt: Type.Integer({ minimum: 0 }),
    nonce: Type.String({ minLength: 1, maxLength: 256 }),
  },
  closed,
);

export const ConnectParamsSchema = Type.Object(
  {
    minProtocol: Type.Integer({ minimum: 1 }),
    maxProtocol: Type.Integer({ minimum: 1 }),
    client: ConnectClientSchema,
    role: Type.Optional(Type.Union(ROLES.map((role) => Type.Literal(role)))),
    scopes: Type.Optional(list()),
    caps: Type.Optional(list()),
    commands: Type.Optional(list(1024)),
    permissions: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.Unknown(), { maxProperties: 256 })),
    auth: Type.Optional(ConnectAuthSchema),
    locale: Type.Optional(text(64)),
    userAgent: Type.Optional(text(512)),
    device: Type.Optional(ConnectDeviceSchema),
  },
  closed,
);
export type ConnectParams = Static<typeof ConnectParamsSchema>;
export type ConnectDevice = Static<typeof ConnectDeviceSchema>;

/** The `payload` of the `res` that answers a successful `connect` (PROTOCOL.md, Handshake step 3). */
export const HelloOkSchema = Type.Object(
  {
    type: Type.Literal('hello-ok'),
    protocol: Type.Integer(),
    server: Type.Object({ version: Type.String(), connId: Type.String() }, closed),
    features: Type.Object({ methods: Type.Array(Type.String()), events: Type.Array(Type.String()) }, closed),
    snapshot: Type.Object(
      {
        presence: Type.Array(Type.Unknown()),
        health: Type.Unknown(),
        stateVersion: StateVersionSchema,
        uptimeMs: Type.Integer({ minimum: 0 }),
        sessionDefaults: Type.Optional(Type.Unknown()),
      },
      closed,
    ),
    auth: Type.Object(
      {
        role: Type.Union(ROLES.map((role) => Type.Literal(role))),
        scopes: Type.Array(Type.Union(OPERATOR_SCOPES.map((scope) => Type.Literal(scope)))),
        deviceToken: Type.Optional(Type.String()),
      },
      closed,
    ),
    policy: Type.Object(
      { maxPayload: Type.Integer(), maxBufferedBytes: Type.Integer(), tickIntervalMs: Type.Integer() },
      closed,
    ),
  },
  closed,
);
export type HelloOk = Static<typeof HelloOkSchema>;
