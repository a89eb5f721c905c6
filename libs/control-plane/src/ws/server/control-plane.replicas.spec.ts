import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestControlPlane, startTestControlPlane } from '../../testing/ws/control-plane.harness';
import type { ReplicaBus } from '../ports/replica-bus.port';

/** Buses that hand what one publishes to the others, as Redis pub/sub does between replicas. */
function linkedBuses(count: number): ReplicaBus[] {
  const subscribers: Array<Array<(event: string, payloadJson: string) => void>> = Array.from({ length: count }, () => []);
  return subscribers.map((own, index) => ({
    publish: (event, payloadJson) => subscribers.forEach((others, other) => other !== index && others.forEach((deliver) => deliver(event, payloadJson))),
    subscribe: (deliver) => void own.push(deliver),
  }));
}

describe('control plane with other replicas', () => {
  let planes: TestControlPlane[] = [];

  beforeAll(() => Logger.overrideLogger(false));
  afterEach(async () => {
    await Promise.all(planes.map((plane) => plane.stop()));
    planes = [];
  });

  async function twoReplicas(): Promise<[TestControlPlane, TestControlPlane]> {
    const [a, b] = linkedBuses(2);
    planes = [await startTestControlPlane({}, { replicas: a }), await startTestControlPlane({}, { replicas: b })];
    return planes as [TestControlPlane, TestControlPlane];
  }

  it('gives clients of every replica what one publishes, and keeps broadcasts local', async () => {
    const [one, two] = await twoReplicas();
    const here = await one.operator();
    const there = await two.operator();

    one.server.publish('chat', { runId: 'r1', sessionKey: 's', seq: 1, state: 'delta', deltaText: 'Hi' });
    expect((await here.nextEvent('chat')).payload).toMatchObject({ runId: 'r1', deltaText: 'Hi' });
    expect((await there.nextEvent('chat')).payload).toMatchObject({ runId: 'r1', deltaText: 'Hi' });

    one.server.broadcast('chat', { runId: 'local', sessionKey: 's', seq: 1, state: 'delta', deltaText: '!' });
    expect((await here.nextEvent('chat')).payload).toMatchObject({ runId: 'local' });
    await expect(there.nextEvent('chat', 200)).rejects.toThrow();
  });

  it('runs internal events on the other replicas only, and survives ones it cannot use', async () => {
    const [one, two] = await twoReplicas();
    const seen: { replica: string; payload: unknown }[] = [];
    one.server.handleReplicaEvent('replica.test', (payload) => void seen.push({ replica: 'one', payload }));
    two.server.handleReplicaEvent('replica.test', (payload) => {
      if (payload === null) throw new Error('no payload');
      seen.push({ replica: 'two', payload });
    });
    const client = await two.operator();

    one.server.tellReplicas('replica.test', null); // throws in the handler: logged, nothing else
    one.server.tellReplicas('replica.unknown', { x: 1 }); // nothing handles it: logged
    one.server.tellReplicas('replica.test', { deviceId: 'd1' });

    expect(seen).toEqual([{ replica: 'two', payload: { deviceId: 'd1' } }]);
    expect(client.isOpen).toBe(true);
    expect((await client.request('health')).ok).toBe(true);
  });
});
