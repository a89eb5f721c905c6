import { describe, expect, it } from 'vitest';
import { ConnectParamsSchema, HelloOkSchema } from './connect.schema';
import { EventFrameSchema, RequestFrameSchema, ResponseFrameSchema } from './frame.schema';
import { CoreMethodParams, MAX_CHAT_ATTACHMENTS, MAX_CHAT_ATTACHMENT_BASE64_CHARS } from './method-params.schema';
import { compileSchema } from './schema-validator';

const validateConnect = compileSchema(ConnectParamsSchema);
const validateRequest = compileSchema(RequestFrameSchema);

// What openclaw-node 0.14 sends (with a device), field for field.
const openclawNodeConnect = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: 'gateway-client', version: '0.3.0', platform: 'linux', mode: 'backend' },
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  caps: [],
  commands: [],
  permissions: {},
  auth: { token: 'secret' },
  locale: 'en-US',
  userAgent: 'openclaw-node/0.2.1',
  device: { id: 'a'.repeat(64), publicKey: 'AAAA', signature: 'BBBB', signedAt: 1_700_000_000_000, nonce: 'n' },
};

function rejection(result: { ok: boolean; message?: string }): string {
  expect(result.ok).toBe(false);
  return result.message ?? '';
}

describe('connect params schema', () => {
  it('accepts the connect of a real OpenClaw client', () => {
    expect(validateConnect(openclawNodeConnect)).toEqual({ ok: true, value: openclawNodeConnect });
  });

  it('accepts a minimal connect (protocol range and client only)', () => {
    expect(validateConnect({ minProtocol: 3, maxProtocol: 3, client: { id: 'c', version: '1', platform: 'p', mode: 'cli' } }).ok).toBe(true);
  });

  it('rejects an unknown top-level field and names it', () => {
    expect(rejection(validateConnect({ ...openclawNodeConnect, admin: true }))).toContain('"admin"');
  });

  it('rejects unknown fields inside client, auth and device', () => {
    rejection(validateConnect({ ...openclawNodeConnect, client: { ...openclawNodeConnect.client, extra: 1 } }));
    rejection(validateConnect({ ...openclawNodeConnect, auth: { token: 't', apiKey: 'k' } }));
    rejection(validateConnect({ ...openclawNodeConnect, device: { ...openclawNodeConnect.device, alg: 'ed25519' } }));
  });

  it('rejects a client mode outside the protocol list and a role that does not exist', () => {
    rejection(validateConnect({ ...openclawNodeConnect, client: { ...openclawNodeConnect.client, mode: 'robot' } }));
    rejection(validateConnect({ ...openclawNodeConnect, role: 'root' }));
  });

  it('rejects a device id that is not a hex SHA-256 and a non-integer signedAt', () => {
    rejection(validateConnect({ ...openclawNodeConnect, device: { ...openclawNodeConnect.device, id: 'device-1' } }));
    rejection(validateConnect({ ...openclawNodeConnect, device: { ...openclawNodeConnect.device, signedAt: '1700000000000' } }));
  });
});

describe('frame schemas', () => {
  it('accepts a request and rejects one with an extra field or an empty id', () => {
    expect(validateRequest({ type: 'req', id: '1', method: 'health', params: {} }).ok).toBe(true);
    rejection(validateRequest({ type: 'req', id: '1', method: 'health', token: 'x' }));
    rejection(validateRequest({ type: 'req', id: '', method: 'health' }));
  });

  it('requires an error on a failed response and a payload-only success', () => {
    const validate = compileSchema(ResponseFrameSchema);
    expect(validate({ type: 'res', id: '1', ok: false, error: { code: 'FORBIDDEN', message: 'no', details: { code: 'MISSING_SCOPE' } } }).ok).toBe(true);
    rejection(validate({ type: 'res', id: '1', ok: false }));
    rejection(validate({ type: 'res', id: '1', ok: true, error: { code: 'X', message: 'y' } }));
  });

  it('accepts an event with seq and stateVersion', () => {
    const validate = compileSchema(EventFrameSchema);
    expect(validate({ type: 'event', event: 'tick', payload: { ts: 1 }, seq: 3, stateVersion: { presence: 1, health: 2 } }).ok).toBe(true);
    rejection(validate({ type: 'event', event: 'tick', seq: 0 }));
  });
});

describe('core method params', () => {
  it('rejects unknown fields on every core method', () => {
    for (const [method, schema] of Object.entries(CoreMethodParams)) {
      expect(compileSchema(schema)({ unexpected: true }).ok, method).toBe(false);
    }
  });

  it('requires idempotencyKey on the side-effecting methods', () => {
    rejection(compileSchema(CoreMethodParams.send)({ to: 'telegram:1', message: 'hi' }));
    rejection(compileSchema(CoreMethodParams.agent)({ message: 'hi' }));
    rejection(compileSchema(CoreMethodParams['chat.send'])({ sessionKey: 's', message: 'hi' }));
    expect(compileSchema(CoreMethodParams.agent)({ message: 'hi', idempotencyKey: 'k1' }).ok).toBe(true);
  });

  it('accepts what real clients add: openclaw-node chat options on agent, probe on health', () => {
    const agent = { message: 'hi', idempotencyKey: 'k1', provider: 'openai-compatible', model: 'gpt-4o-mini', thinking: 'low', label: 'l', timeout: 30 };
    expect(compileSchema(CoreMethodParams.agent)(agent).ok).toBe(true);
    expect(compileSchema(CoreMethodParams.health)({ probe: true }).ok).toBe(true);
    rejection(compileSchema(CoreMethodParams.health)({ probe: 'yes' }));
  });

  describe('chat.send attachments', () => {
    const validate = compileSchema(CoreMethodParams['chat.send']);
    const send = (attachment: Record<string, unknown>) =>
      validate({ sessionKey: 's', message: 'look', idempotencyKey: 'k', attachments: [{ type: 'image', mimeType: 'image/png', content: 'iVBORw0KGgo=', ...attachment }] });

    it('takes images of the formats models read, in padded base64', () => {
      expect(send({ fileName: 'cat.png' }).ok).toBe(true);
      expect(send({ type: undefined, mimeType: 'image/webp' }).ok).toBe(true);
    });

    it('names what is wrong with a bad attachment', () => {
      expect(rejection(send({ type: 'file' }))).toBe('/attachments/0/type: must be "image"');
      expect(rejection(send({ mimeType: 'image/svg+xml' }))).toBe('/attachments/0/mimeType: must be "image/png" or "image/jpeg" or "image/gif" or "image/webp"');
      expect(rejection(send({ content: 'not base64!' }))).toBe('/attachments/0/content: must match format "base64"');
      expect(rejection(send({ content: 'iVBORw0KGgo' }))).toBe('/attachments/0/content: must match format "base64"');
      expect(rejection(send({ content: 'A'.repeat(MAX_CHAT_ATTACHMENT_BASE64_CHARS + 4) }))).toBe(
        `/attachments/0/content: must NOT have more than ${MAX_CHAT_ATTACHMENT_BASE64_CHARS} characters`,
      );
      expect(rejection(send({ url: 'https://example.com/cat.png' }))).toBe('/attachments/0: unexpected property "url"');
    });

    it('takes at most MAX_CHAT_ATTACHMENTS', () => {
      const image = { mimeType: 'image/png', content: 'iVBORw0KGgo=' };
      const attachments = Array.from({ length: MAX_CHAT_ATTACHMENTS + 1 }, () => image);
      expect(rejection(validate({ sessionKey: 's', message: '', idempotencyKey: 'k', attachments }))).toBe(`/attachments: must NOT have more than ${MAX_CHAT_ATTACHMENTS} items`);
    });
  });

  it('bounds sessions.list paging', () => {
    expect(compileSchema(CoreMethodParams['sessions.list'])({ limit: 50, offset: 0, search: 'bob' }).ok).toBe(true);
    rejection(compileSchema(CoreMethodParams['sessions.list'])({ limit: 0 }));
  });
});

describe('hello-ok schema', () => {
  it('has exactly the members of the protocol', () => {
    const hello = {
      type: 'hello-ok',
      protocol: 4,
      server: { version: '1', connId: 'c' },
      features: { methods: ['health'], events: ['tick'] },
      snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 1 },
      auth: { role: 'operator', scopes: ['operator.read'] },
      policy: { maxPayload: 1, maxBufferedBytes: 2, tickIntervalMs: 3 },
    };
    const validate = compileSchema(HelloOkSchema);
    expect(validate(hello).ok).toBe(true);
    rejection(validate({ ...hello, policy: { ...hello.policy, maxFrames: 1 } }));
  });
});
