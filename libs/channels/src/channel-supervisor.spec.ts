import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { ChannelAdapter, ChannelRunEvents, InboundMessage, InboundSink, SentMessage } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { InProcessLeaseDriver, LeaseDriver, RedisLeaseDriver, redisOptionsFromUrl } from '@switchboard/queue';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from '@switchboard/testing';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Backoff } from './backoff';
import { ChannelSupervisor } from './channel-supervisor';
import { TelegramAdapter, type TelegramAdapterOptions } from './telegram/telegram.adapter';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LEASE = 'channel:telegram:default';
// Fast timings so retries and takeovers happen in a test's time; production: 1-30 s, 2 s, 10 s TTL.
const FAST = { leaseRetryMs: 50, startBackoff: () => new Backoff(50, 400), firstAttemptWaitMs: 300 };

const fake = new FakeTelegramServer();
const admin = new Redis(REDIS_URL);
const cleanup: (() => Promise<void>)[] = [];

beforeAll(() => fake.start());
afterAll(async () => {
  await fake.stop();
  await admin.quit();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  fake.clear();
});

/** One replica's Telegram channel under its supervisor, recording what reaches its pipeline. */
function replica(leases: LeaseDriver, options: Partial<TelegramAdapterOptions> = {}) {
  const received: InboundMessage[] = [];
  const metrics = new SwitchboardMetrics();
  const adapter = new TelegramAdapter({ botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: fake.url, ...options });
  const supervisor = new ChannelSupervisor(
    adapter,
    {
      sink: async (message) => {
        received.push(message);
        return 'accepted';
      },
    },
    leases,
    metrics,
    FAST,
  );
  cleanup.push(() => supervisor.stop());
  const leaseHeld = async () => (await metrics.leasesHeld.get()).values.find((v) => v.labels.name === LEASE)?.value ?? 0;
  return { supervisor, received, leaseHeld };
}

function redisLeases(prefix: string, ttlMs = 900): RedisLeaseDriver {
  const driver = new RedisLeaseDriver(redisOptionsFromUrl(REDIS_URL), { ttlMs, renewEveryMs: 200 }, prefix);
  cleanup.push(() => driver.close());
  return driver;
}

function inProcessLeases(): InProcessLeaseDriver {
  const driver = new InProcessLeaseDriver();
  cleanup.push(() => driver.close());
  return driver;
}

function uniquePrefix(): string {
  const prefix = `sbtest:supervisor:${randomUUID()}:`;
  cleanup.push(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  });
  return prefix;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ChannelSupervisor starting a channel', () => {
  it('retries a Telegram webhook whose setWebhook fails, showing why in /ready, until it is registered', async () => {
    fake.failApiNext('setWebhook', 500, 'Internal Server Error', 2);
    const { supervisor } = replica(inProcessLeases(), {
      mode: 'webhook',
      webhookSecret: 'webhook-secret-0123456789',
      webhookUrl: 'https://gateway.example.com/webhooks/telegram',
    });

    await supervisor.start();
    expect(supervisor.current.kind).toBe('starting');
    await expect(supervisor.check()).rejects.toThrow(/^starting \(retry in \d+ s: Telegram setWebhook failed: 500 Internal Server Error\)$/);

    await until(() => supervisor.current.kind === 'receiving', 'the channel to start');
    expect(fake.webhook?.url).toBe('https://gateway.example.com/webhooks/telegram');
    expect(fake.calls((call) => call.params.apiMethod === 'setWebhook')).toHaveLength(3);
    expect(await supervisor.check()).toEqual({ state: 'webhook', username: 'switchboard_test_bot' });
  });

  it('retries polling while the Bot API fails, then polls', async () => {
    fake.failApiNext('getMe', 502, 'Bad Gateway', 3);
    const { supervisor, received } = replica(inProcessLeases());

    await supervisor.start();
    await until(() => supervisor.current.kind === 'receiving', 'polling to start');
    fake.queueUpdate(fake.build.privateText('made it'));
    await until(() => received.length === 1, 'the update');
    expect(await supervisor.check()).toEqual({ state: 'polling (lease held)', username: 'switchboard_test_bot' });
  });

  it('does not hold up the boot while the Bot API accepts connections and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as net.AddressInfo;
    const { supervisor } = replica(inProcessLeases(), { apiRoot: `http://127.0.0.1:${port}` });

    await supervisor.start();
    expect(supervisor.current).toEqual({ kind: 'starting' });
    await expect(supervisor.check()).rejects.toThrow(/^starting$/);
  });

  it('stops retrying at shutdown', async () => {
    const { supervisor } = replica(inProcessLeases(), { botToken: '123:WrongTokenWrongTokenWrong' });
    await supervisor.start();
    expect(supervisor.current.kind).toBe('starting');

    await supervisor.stop();
    expect(supervisor.current.kind).toBe('stopped');
  });
});

describe('ChannelSupervisor with a lease', () => {
  it('polls in embedded mode, where the in-process lease is always free', async () => {
    const { supervisor, leaseHeld } = replica(inProcessLeases());
    await supervisor.start();

    expect(supervisor.current.kind).toBe('receiving');
    expect(await leaseHeld()).toBe(1);
  });

  it('polls in one replica only; the other stands by and is ready', async () => {
    const prefix = uniquePrefix();
    const first = replica(redisLeases(prefix));
    const second = replica(redisLeases(prefix));
    await first.supervisor.start();
    await second.supervisor.start();

    expect(first.supervisor.current.kind).toBe('receiving');
    expect(second.supervisor.current.kind).toBe('standby');
    expect(await second.supervisor.check()).toEqual({ state: 'standby (lease held by another replica)' });
    expect([await first.leaseHeld(), await second.leaseHeld()]).toEqual([1, 0]);

    const update = fake.queueUpdate(fake.build.privateText('once'));
    await fake.waitForConfirmation(update);
    expect(first.received.map((m) => m.text)).toEqual(['once']);
    expect(second.received).toEqual([]);
  });

  it('hands over at once when the holder stops, releasing the lease', async () => {
    const prefix = uniquePrefix();
    // A TTL far longer than the test: only the release lets the other replica in.
    const first = replica(redisLeases(prefix, 60_000));
    const second = replica(redisLeases(prefix, 60_000));
    await first.supervisor.start();
    await second.supervisor.start();

    await first.supervisor.stop();
    await until(() => second.supervisor.current.kind === 'receiving', 'the takeover');
    expect(await first.leaseHeld()).toBe(0);
    const update = fake.queueUpdate(fake.build.privateText('to the new holder'));
    await fake.waitForConfirmation(update);
    expect(second.received.map((m) => m.text)).toEqual(['to the new holder']);
  });

  it('stops polling as soon as the lease is lost, and polls again once it holds it anew', async () => {
    const prefix = uniquePrefix();
    const { supervisor, received, leaseHeld } = replica(redisLeases(prefix));
    await supervisor.start();
    const gotUpdates = () => fake.calls((call) => call.params.apiMethod === 'getUpdates').length;

    // Another replica took the lease (as after this one paused past the TTL) for a while.
    await admin.set(`${prefix}${LEASE}`, 'another-replica', 'PX', 1_500);
    await until(() => supervisor.current.kind === 'standby', 'the holder to stop');
    expect(await leaseHeld()).toBe(0);
    const pollsWhileStandingBy = gotUpdates();
    const queued = fake.queueUpdate(fake.build.privateText('while the other holds it'));

    let polledOnStandby = false;
    await until(() => {
      // Counted first: a count read while the state still says standby was made on standby.
      const polls = gotUpdates();
      if (supervisor.current.kind === 'standby' && polls > pollsWhileStandingBy) polledOnStandby = true;
      return supervisor.current.kind === 'receiving';
    }, 'the lease to come back');
    expect(polledOnStandby).toBe(false);
    await fake.waitForConfirmation(queued);
    expect(gotUpdates()).toBeGreaterThan(pollsWhileStandingBy);
    expect(received.map((m) => m.text)).toEqual(['while the other holds it']);
    expect(await leaseHeld()).toBe(1);
  });

  it('is not ready while the lease store cannot be reached, and says so', async () => {
    const driver = new RedisLeaseDriver({ host: '127.0.0.1', port: 1, retryStrategy: () => 100 }, { ttlMs: 900, renewEveryMs: 200 });
    cleanup.push(() => driver.close());
    const { supervisor } = replica(driver);
    await supervisor.start();

    expect(supervisor.current.kind).toBe('lease-unavailable');
    await expect(supervisor.check()).rejects.toThrow(/^waiting for the lease \(lease store unreachable: connect ECONNREFUSED 127.0.0.1:1\)$/);
  });
});

/** An adapter over a long connection the test drops at will (the shape of a socket SDK's). */
class DroppingConnection implements ChannelAdapter {
  readonly id = 'socket';
  readonly accountId = 'default';
  readonly capabilities = { edit: false, typing: false, threads: false, reactions: false, files: false, images: false, voice: false, maxTextLength: 100 };
  readonly longConnection = { account: 'default', kind: 'socket' };
  readonly log: { op: 'start' | 'stop'; at: number }[] = [];
  private events: ChannelRunEvents | undefined;

  async start(_sink: InboundSink, events?: ChannelRunEvents): Promise<void> {
    this.log.push({ op: 'start', at: Date.now() });
    this.events = events;
  }
  async stop(): Promise<void> {
    this.log.push({ op: 'stop', at: Date.now() });
  }
  drop(reason: string): void {
    this.events?.connectionLost(new Error(reason));
  }
  starts(): number[] {
    return this.log.filter((entry) => entry.op === 'start').map((entry) => entry.at);
  }
  async send(): Promise<SentMessage> {
    return { platformMessageId: '1' };
  }
  async edit(): Promise<void> {}
  async sendTyping(): Promise<void> {}
  async healthProbe(): Promise<Record<string, unknown>> {
    return {};
  }
}

describe('ChannelSupervisor after a connection is lost', () => {
  // Delays without jitter (50, 100, 200 ms) so the test can tell them apart.
  const timing = { leaseRetryMs: 50, startBackoff: () => new Backoff(50, 400, () => 1), firstAttemptWaitMs: 300, stableAfterMs: 5_000 };

  function supervised(adapter: DroppingConnection): ChannelSupervisor {
    const supervisor = new ChannelSupervisor(adapter, { sink: async () => 'accepted' }, inProcessLeases(), new SwitchboardMetrics(), timing);
    cleanup.push(() => supervisor.stop());
    return supervisor;
  }

  it('stops the adapter and starts it again after the backoff, saying why meanwhile', async () => {
    const adapter = new DroppingConnection();
    const supervisor = supervised(adapter);
    await supervisor.start();
    expect(supervisor.current.kind).toBe('receiving');

    adapter.drop('socket closed by the platform');
    await until(() => supervisor.current.kind === 'starting', 'the supervisor to notice');
    expect(supervisor.describe()).toMatch(/^starting \(retry in \d+ s: connection lost: socket closed by the platform\)$/);
    await until(() => adapter.starts().length === 2 && supervisor.current.kind === 'receiving', 'the reconnect');

    expect(adapter.log.map((entry) => entry.op)).toEqual(['start', 'stop', 'start']);
    expect(adapter.starts()[1] - adapter.log[1].at).toBeGreaterThanOrEqual(50);
  });

  it('waits longer after each drop that follows a reconnect at once', async () => {
    const adapter = new DroppingConnection();
    const supervisor = supervised(adapter);
    await supervisor.start();

    for (let reconnects = 1; reconnects <= 3; reconnects++) {
      adapter.drop('flapping');
      await until(() => adapter.starts().length === reconnects + 1 && supervisor.current.kind === 'receiving', `reconnect ${reconnects}`);
    }

    const starts = adapter.starts();
    const gaps = starts.slice(1).map((at, i) => at - starts[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[2]).toBeGreaterThanOrEqual(200);
  });
});
