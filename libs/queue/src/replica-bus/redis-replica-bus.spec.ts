import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redisOptionsFromUrl } from '../bullmq/redis-options';
import { RedisReplicaBus } from './redis-replica-bus';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Redis options for database `db` of the test server. */
function onDatabase(db: number) {
  const url = new URL(REDIS_URL);
  url.pathname = `/${db}`;
  return redisOptionsFromUrl(url.toString());
}

const PROBE = '{"probe":true}';

/** A bus that records what it delivers, subscribed and ready to hear. */
async function listeningBus(db: number, topic?: string) {
  const bus = new RedisReplicaBus(onDatabase(db), topic);
  const heard: Array<[string, string]> = [];
  let probed = false;
  bus.subscribe((event, payloadJson) => {
    if (payloadJson === PROBE) probed = true;
    else heard.push([event, payloadJson]);
  });
  // The subscription is confirmed asynchronously; wait until a probe published by another bus arrives.
  const probe = new RedisReplicaBus(onDatabase(db), topic);
  for (let i = 0; i < 100 && !probed; i++) {
    probe.publish('tick', PROBE);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await probe.onApplicationShutdown();
  return { bus, heard };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('RedisReplicaBus', () => {
  const open: RedisReplicaBus[] = [];
  const track = <T extends { bus: RedisReplicaBus }>(listening: T) => (open.push(listening.bus), listening);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.onApplicationShutdown()));
  });

  it('brings one replica the events of the others, in order, but not its own', async () => {
    const a = track(await listeningBus(7));
    const b = track(await listeningBus(7));

    a.bus.publish('chat', '{"runId":"r1","seq":1}');
    a.bus.publish('chat', '{"runId":"r1","seq":2}');
    b.bus.publish('device.pair.requested', '{"requestId":"p1"}');
    await until(() => b.heard.length === 2 && a.heard.length === 1);

    expect(b.heard).toEqual([
      ['chat', '{"runId":"r1","seq":1}'],
      ['chat', '{"runId":"r1","seq":2}'],
    ]);
    expect(a.heard).toEqual([['device.pair.requested', '{"requestId":"p1"}']]);
  });

  it('keeps deployments on other Redis databases apart, and ignores messages no replica sends', async () => {
    const here = track(await listeningBus(7));
    const elsewhere = track(await listeningBus(8));
    const raw = new Redis(onDatabase(7));
    try {
      await raw.publish('switchboard:7:control-plane:events', 'no newlines');
      await raw.publish('switchboard:7:control-plane:events', 'other\nnot an event!\n{}');
      await raw.publish('switchboard:7:control-plane:events', 'other\nchat\n{not json');
      await raw.publish('switchboard:7:control-plane:events', 'other\nchat\n{"runId":"ok"}');
    } finally {
      await raw.quit();
    }
    elsewhere.bus.publish('chat', '{"runId":"elsewhere"}');
    await until(() => here.heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(here.heard).toEqual([['chat', '{"runId":"ok"}']]);
  });

  it('keeps topics apart: a settings event never reaches a control-plane subscriber', async () => {
    const controlPlane = track(await listeningBus(7));
    const settings = track(await listeningBus(7, 'settings'));
    const settingsPeer = track(await listeningBus(7, 'settings'));

    settingsPeer.bus.publish('settings.changed', '{"keys":["telegram.dmPolicy"]}');
    await until(() => settings.heard.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(settings.heard).toEqual([['settings.changed', '{"keys":["telegram.dmPolicy"]}']]);
    expect(controlPlane.heard).toEqual([]);
  });

  it('drops events while Redis is unreachable instead of queueing them', async () => {
    const bus = new RedisReplicaBus({ ...onDatabase(7), port: 1, retryStrategy: () => null });
    open.push(bus);

    expect(() => bus.publish('chat', '{"runId":"lost"}')).not.toThrow();
  });
});
