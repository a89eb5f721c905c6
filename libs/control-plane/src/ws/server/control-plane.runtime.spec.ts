import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoreMethodParams } from '../protocol/method-params.schema';
import { ControlPlaneError, ErrorCodes } from '../protocol/protocol-error';
import { TestControlPlane, startTestControlPlane } from '../../testing/ws/control-plane.harness';
import { TEST_GATEWAY_TOKEN } from '../../testing/ws/fake-gateway.ports';
import { connectParams } from '../../testing/ws/test-device';
import { TestSocket } from '../../testing/ws/test-socket';
import { ControlPlaneOptions } from './control-plane.options';

describe('control-plane runtime over a real socket', () => {
  let plane: TestControlPlane;

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => plane.stop());

  const start = async (options: Partial<ControlPlaneOptions> = {}) => {
    plane = await startTestControlPlane(options);
    return plane;
  };

  describe('method calls', () => {
    it('refuses a method the connection lacks the scope for, and keeps the connection', async () => {
      await start();
      const reader = await plane.operator({ scopes: ['operator.read'] });
      const answer = await reader.request('device.pair.list');
      expect(answer.error).toMatchObject({ code: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.pairing' } });
      expect((await reader.request('health')).payload).toEqual(plane.snapshot.healthSummary);
      expect(reader.isOpen).toBe(true);
    });

    it('answers health, status and system-presence from the snapshot port', async () => {
      await start();
      const operator = await plane.operator();
      expect((await operator.request('health', {})).payload).toMatchObject({ ok: true, channels: { telegram: { status: 'connected' } } });
      expect((await operator.request('status')).payload).toMatchObject({ version: '0.1.0-test' });
      expect((await operator.request('system-presence')).payload).toEqual(plane.snapshot.view.presence);
    });

    it('refuses unknown methods, unknown params and a second connect without closing', async () => {
      await start();
      const operator = await plane.operator();
      expect((await operator.request('sessions.explode')).error?.details?.code).toBe('UNKNOWN_METHOD');
      expect((await operator.request('health', { verbose: true })).error?.details?.code).toBe('INVALID_PARAMS');
      expect((await operator.request('connect', {})).error?.details?.code).toBe('ALREADY_CONNECTED');
      operator.sendRaw('not json');
      expect((await operator.next((frame) => frame.type === 'res' && frame.id === '')).error?.details?.code).toBe('INVALID_FRAME');
      expect(operator.isOpen).toBe(true);
      expect(plane.metrics.rpcs.map((rpc) => rpc.method)).toEqual(['unknown', 'health']);
    });

    it('answers a repeated idempotency key with the first result and runs the side effect once', async () => {
      await start();
      let sent = 0;
      plane.server.registerMethod('send', {
        scope: 'operator.write',
        schema: CoreMethodParams.send,
        dedupe: true,
        handler: async ({ to }) => {
          sent += 1;
          await sleep(20);
          return { messageId: `m${sent}`, to };
        },
      });
      const first = await plane.operator();
      const second = await plane.operator();
      const params = { to: 'telegram:42', message: 'hi', idempotencyKey: 'key-1' };
      // Concurrent repeat, repeat on another connection after the fact, then a new key.
      const [a, b] = await Promise.all([first.request('send', params), first.request('send', params)]);
      const c = await second.request('send', params);
      const d = await first.request('send', { ...params, idempotencyKey: 'key-2' });
      expect([a.payload, b.payload, c.payload]).toEqual([{ messageId: 'm1', to: 'telegram:42' }, { messageId: 'm1', to: 'telegram:42' }, { messageId: 'm1', to: 'telegram:42' }]);
      expect(d.payload).toEqual({ messageId: 'm2', to: 'telegram:42' });
      expect(sent).toBe(2);
    });

    it('runs a deduplicated method again after a retryable failure', async () => {
      await start();
      let calls = 0;
      plane.server.registerMethod('send', {
        scope: 'operator.write',
        schema: CoreMethodParams.send,
        dedupe: true,
        handler: () => {
          calls += 1;
          if (calls === 1) throw new ControlPlaneError(ErrorCodes.UNAVAILABLE, 'queue down', { retryable: true });
          return { delivered: true };
        },
      });
      const operator = await plane.operator();
      const params = { to: 'x', message: 'hi', idempotencyKey: 'k' };
      expect((await operator.request('send', params)).error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect((await operator.request('send', params)).payload).toEqual({ delivered: true });
    });

    it('answers an unexpected handler error with an errorId instead of the cause', async () => {
      await start();
      plane.server.registerMethod('models.list', { scope: 'operator.read', schema: CoreMethodParams['models.list'], handler: () => Promise.reject(new Error('db password=hunter2')) });
      const operator = await plane.operator();
      const answer = await operator.request('models.list');
      expect(answer.error).toMatchObject({ code: 'UNAVAILABLE', details: { errorId: expect.any(String) } });
      expect(JSON.stringify(answer)).not.toContain('hunter2');
    });

    it('sends the two responses of an agent run with the same id, events in between, and replays both to a repeat', async () => {
      await start();
      let runs = 0;
      plane.server.registerMethod('agent', {
        scope: 'operator.write',
        schema: CoreMethodParams.agent,
        dedupe: true,
        handler: async ({ message }, context) => {
          runs += 1;
          context.accept({ runId: 'run-1', status: 'accepted' });
          context.sendEvent('agent', { runId: 'run-1', stream: 'assistant', data: { text: message } });
          await sleep(20);
          return { runId: 'run-1', status: 'ok', summary: 'done' };
        },
      });
      const operator = await plane.operator();
      operator.send({ type: 'req', id: 'a1', method: 'agent', params: { message: 'hello', idempotencyKey: 'run-key' } });
      expect((await operator.response('a1')).payload).toEqual({ runId: 'run-1', status: 'accepted' });
      expect((await operator.nextEvent('agent')).payload).toMatchObject({ runId: 'run-1', stream: 'assistant' });
      expect((await operator.response('a1')).payload).toEqual({ runId: 'run-1', status: 'ok', summary: 'done' });

      operator.send({ type: 'req', id: 'a2', method: 'agent', params: { message: 'hello', idempotencyKey: 'run-key' } });
      expect((await operator.response('a2')).payload).toMatchObject({ status: 'accepted' });
      expect((await operator.response('a2')).payload).toMatchObject({ status: 'ok' });
      expect(runs).toBe(1);
    });
  });

  describe('events', () => {
    it('sends ticks to authenticated connections only, with a per-connection seq', async () => {
      await start({ tickIntervalMs: 40 });
      const waiting = await TestSocket.open(plane.url);
      const operator = await plane.operator();
      const first = await operator.nextEvent('tick');
      const second = await operator.nextEvent('tick');
      expect(second.seq).toBe((first.seq as number) + 1);
      expect(second.payload.ts).toBeGreaterThanOrEqual(first.payload.ts);
      expect(waiting.frames.map((frame) => frame.event)).toEqual(['connect.challenge']);
    });

    it('broadcasts chat and agent events only to connections holding operator.read', async () => {
      await start();
      const reader = await plane.operator({ scopes: ['operator.read'] });
      const pairer = await plane.operator({ scopes: ['operator.pairing'] });
      expect(plane.server.broadcast('chat', { runId: 'r', sessionKey: 's', seq: 1, state: 'delta', deltaText: 'Hi' })).toBe(1);
      expect(plane.server.broadcast('agent', { runId: 'r', sessionKey: 's', seq: 1, stream: 'assistant', data: {}, ts: 1 })).toBe(1);
      expect((await reader.nextEvent('chat')).payload.deltaText).toBe('Hi');
      expect((await reader.nextEvent('agent')).payload.stream).toBe('assistant');
      // A round trip on the same socket: anything sent before its answer has arrived by now.
      await pairer.request('health');
      expect(pairer.frames.some((frame) => frame.event === 'chat' || frame.event === 'agent')).toBe(false);
    });

    it('drops a client that stops reading once its send buffer passes the limit, and counts it', async () => {
      await start({ maxBufferedBytes: 64 * 1024 });
      const slow = await plane.operator();
      const fast = await plane.operator();
      slow.ws.pause();
      const chunk = 'x'.repeat(32 * 1024);
      for (let i = 0; i < 4_000 && plane.metrics.slowConsumers === 0; i += 1) {
        plane.server.broadcast('presence', { chunk });
        if (i % 20 === 0) await sleep(1);
      }
      expect(plane.metrics.slowConsumers).toBe(1);
      expect(plane.metrics.droppedEvents[0]).toEqual({ event: 'presence', reason: 'slow-consumer' });
      slow.ws.resume();
      expect(await slow.closed).toEqual({ code: 1008, reason: 'slow consumer' });
      expect(fast.isOpen).toBe(true);
      expect((await fast.request('health')).ok).toBe(true);
    });
  });

  describe('limits and lifecycle', () => {
    it('closes a socket that never sends connect after the handshake timeout', async () => {
      await start({ handshakeTimeoutMs: 150 });
      const socket = await TestSocket.open(plane.url);
      expect(await socket.closed).toEqual({ code: 1008, reason: 'handshake timeout' });
      expect(plane.metrics.handshakes).toEqual(['timeout']);
    });

    it('refuses more unauthenticated sockets per address with HTTP 503, and frees the slot on connect', async () => {
      await start({ maxUnauthenticatedPerIp: 2 });
      const first = await TestSocket.open(plane.url);
      await TestSocket.open(plane.url);
      await expect(TestSocket.open(plane.url)).rejects.toThrow('HTTP 503');
      expect(plane.metrics.refusedUpgrades).toEqual(['unauthenticated-per-ip']);

      expect((await first.request('connect', connectParams({ token: TEST_GATEWAY_TOKEN }))).ok).toBe(true);
      await TestSocket.open(plane.url);
    });

    it('refuses an upgrade the gateway does not admit with HTTP 403 before any frame', async () => {
      await start({ admitUpgrade: (request) => request.headers['x-test-client'] !== 'blocked' });
      await expect(TestSocket.open(plane.url, { headers: { 'x-test-client': 'blocked' } })).rejects.toThrow('HTTP 403');
      expect(plane.metrics.refusedUpgrades).toEqual(['not-admitted']);
      expect(await (await TestSocket.open(plane.url)).challengeNonce()).toEqual(expect.any(String));
    });

    it('closes 1009 when an authenticated client sends a frame over maxPayload', async () => {
      await start({ maxPayloadBytes: 128 * 1024 });
      const operator = await plane.operator();
      // Over the pre-auth cap but under maxPayload: fine once authenticated.
      expect((await operator.request('health', { padding: 'x'.repeat(100 * 1024) })).error?.details?.code).toBe('INVALID_PARAMS');
      operator.sendRaw('x'.repeat(129 * 1024));
      expect((await operator.closed).code).toBe(1009);
    });

    it('sends shutdown and closes every socket 1012 on a graceful stop', async () => {
      await start();
      const operator = await plane.operator();
      const waiting = await TestSocket.open(plane.url);
      await plane.server.close({ reason: 'restart', restartExpectedMs: 1_500 });
      expect((await operator.nextEvent('shutdown')).payload).toEqual({ reason: 'restart', restartExpectedMs: 1_500 });
      expect((await operator.closed).code).toBe(1012);
      expect((await waiting.closed).code).toBe(1012);
    });

    it('counts connections by role while they are open', async () => {
      await start();
      const operator = await plane.operator();
      expect(plane.metrics.connectionsByRole.get('operator')).toBe(1);
      expect(plane.server.listConnections()).toEqual([expect.objectContaining({ role: 'operator', authMethod: 'token', remoteIp: '127.0.0.1' })]);
      operator.close();
      await operator.closed;
      await sleep(20);
      expect(plane.metrics.connectionsByRole.get('operator')).toBe(0);
      expect(plane.server.listConnections()).toEqual([]);
    });
  });
});
