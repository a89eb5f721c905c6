import Redis from 'ioredis';
import type { FakeDingTalkUser } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkHarness } from '../support/dingtalk-harness';
import type { GatewayProcess } from '../support/gateway-process';
import { channelReadiness, metricValue, until } from '../support/gateway-probes';
import { REDIS_URL, createTestDatabase } from '../support/postgres';
import { sleep } from '../support/telegram-harness';

/**
 * Two gateway replicas in DingTalk Stream mode on one PostgreSQL database and one Redis: one holds
 * the Stream connection (the lease `channel:dingtalk:default`), the other stands by. Messages keep
 * arriving while the connected replica is killed with SIGKILL; the other must connect within 15 s
 * and every message must be answered exactly once, counted on the fake DingTalk. Frames the killed
 * replica had not acked are pushed again on the new connection, as DingTalk does.
 */
const MESSAGES = 60;
const SEND_EVERY_MS = 200;
const TAKEOVER_BOUND_MS = 15_000;
// A Redis database of this suite's own, emptied before and after, so no other suite's keys meet it.
const REDIS_DB = 13;

const USERS: FakeDingTalkUser[] = Array.from({ length: MESSAGES }, (_, i) => ({ staffId: `staff${String(i).padStart(3, '0')}`, nick: `User ${i}` }));
const harness = new DingTalkHarness();
const redisUrl = Object.assign(new URL(REDIS_URL), { pathname: `/${REDIS_DB}` }).toString();
const redis = new Redis(redisUrl);
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  await harness.start();
  await redis.flushdb();
  database = await createTestDatabase();
});

afterAll(async () => {
  await harness.stop();
  await database?.drop();
  await redis.flushdb();
  await redis.quit();
});

const channelState = async (gateway: GatewayProcess) => (await channelReadiness(gateway, 'dingtalk')).channel.state;
const leaseHeld = (gateway: GatewayProcess) => metricValue(gateway, 'switchboard_leases_held', (line) => line.includes('name="channel:dingtalk:default"'));

const expected = (i: number) => `echo: message ${i}`;
const answered = () => USERS.filter((user, i) => harness.dingtalk.messagesIn(user.staffId).some((m) => m.text === expected(i))).length;

describe('the DingTalk Stream lease across replicas', () => {
  it('moves the Stream connection to the standby replica within 15 s of a kill -9, answering every message exactly once', async () => {
    const env = () =>
      harness.env({ DATABASE_URL: database.url, REDIS_URL: redisUrl, DINGTALK_ALLOWED_USERS: USERS.map((user) => user.staffId).join(',') });
    const holder = await harness.gateway(env());
    await until(async () => (await channelState(holder)) === 'stream (lease held)', 'the first replica to connect', 30_000);
    const standby = await harness.gateway(env());
    const logs = () => `\nstandby stderr:\n${standby.stderr.slice(-3000)}`;
    await until(async () => (await channelState(standby)) === 'standby (lease held by another replica)', 'the second replica to stand by', 30_000, logs);
    expect(await leaseHeld(holder)).toBe(1);
    expect(await leaseHeld(standby)).toBe(0);
    expect(harness.dingtalk.openConnections).toBe(1);

    // Each answer takes about a second, so the kill lands while turns are under way.
    harness.llm.respondWith((request) => ({ text: `echo: ${request.userText}`, chunks: 4, chunkDelayMs: 250 }));
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < MESSAGES; i += 1) {
        harness.dingtalk.push({ from: USERS[i], text: `message ${i}` });
        sent += 1;
        await sleep(SEND_EVERY_MS);
      }
    })();

    await until(() => sent >= 20 && answered() >= 5, 'a few messages answered by the first replica', 60_000, logs);
    await holder.stop('SIGKILL');
    const killedAt = Date.now();
    const answeredAtKill = answered();
    const unackedAtKill = harness.dingtalk.unacked.length;

    await until(async () => (await channelState(standby)) === 'stream (lease held)', 'the standby replica to take the Stream connection over', TAKEOVER_BOUND_MS, logs);
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `takeover ${(takeoverMs / 1000).toFixed(1)} s after kill -9; ${answeredAtKill}/${MESSAGES} answered and ${unackedAtKill} frame(s) unacked at the kill`,
    );
    expect(await leaseHeld(standby)).toBe(1);

    await sending;
    await until(() => answered() === MESSAGES, `all ${MESSAGES} messages answered`, 120_000, () => ` (${answered()} answered)${logs()}`);
    const busy = (line: string) => /state="(waiting|active|delayed)"/.test(line);
    await until(
      async () => (await metricValue(standby, 'switchboard_messages_pending')) === 0 && (await metricValue(standby, 'switchboard_queue_depth', busy)) === 0,
      'the deployment to settle',
      60_000,
      logs,
    );

    // Replies go out whole (no card template): each chat shows its answer, once, and nothing else.
    for (const [i, user] of USERS.entries()) {
      const texts = harness.dingtalk.messagesIn(user.staffId).map((m) => m.text);
      expect(texts, `chat of user ${i}`).toEqual([expected(i)]);
    }
    const via = (kind: string) => USERS.filter((user) => harness.dingtalk.messagesIn(user.staffId)[0]?.via === kind).length;
    console.log(`${via('sessionWebhook')} replies through session webhooks, ${via('openapi')} through the OpenAPI (turns the standby took over)`);
    expect(harness.dingtalk.unacked).toEqual([]);
    expect(harness.dingtalk.openConnections).toBe(1);
  });
});
