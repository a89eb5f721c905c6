import Redis from 'ioredis';
import type { User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelReadiness, metricValue, until } from '../support/gateway-probes';
import { REDIS_URL, createTestDatabase } from '../support/postgres';
import { TelegramHarness, sleep } from '../support/telegram-harness';

/**
 * Two gateway replicas in polling mode on one PostgreSQL database and one Redis: one polls (it
 * holds the lease `channel:telegram:default`), the other stands by. Messages keep arriving while
 * the polling replica is killed with SIGKILL; the other must take over within 15 s and every
 * message must be answered exactly once, counted on the fake Telegram.
 */
const MESSAGES = 60;
const SEND_EVERY_MS = 200;
const TAKEOVER_BOUND_MS = 15_000;
// A Redis database of this suite's own, emptied before and after, so no other suite's keys meet it.
const REDIS_DB = 11;

const USERS: User[] = Array.from({ length: MESSAGES }, (_, i) => ({ id: 500_000_001 + i, is_bot: false, first_name: `User ${i}` }));
const harness = new TelegramHarness();
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

const expected = (i: number) => `echo: message ${i}`;
// The final text; a draft cut off by the kill must be finished, not sent again.
const answered = () => USERS.filter((user, i) => harness.telegram.messagesIn(user.id).some((m) => m.text === expected(i))).length;

describe('the Telegram poll lease across replicas', () => {
  it('moves polling to the standby replica within 15 s of a kill -9, answering every message exactly once', async () => {
    const env = (extra: Record<string, string> = {}) =>
      harness.env({
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        TELEGRAM_MODE: 'polling',
        TELEGRAM_ALLOWED_USERS: USERS.map((user) => user.id).join(','),
        // At info, a failure's context shows what the standby did after the takeover.
        LOG_LEVEL: 'info',
        ...extra,
      });
    const holder = await harness.gateway(env());
    await until(async () => (await channelReadiness(holder, 'telegram')).channel.state === 'polling (lease held)', 'the first replica to poll', 30_000);
    const standby = await harness.gateway(env());
    const logs = () =>
      `\nupdates not yet confirmed: ${harness.telegram.pendingUpdates.length}` +
      `\nstandby stderr:\n${standby.stderr.slice(-3000)}\nstandby stdout:\n${standby.stdout.slice(-6000)}`;

    const standing = await channelReadiness(standby, 'telegram');
    expect(standing).toEqual({ status: 200, channel: expect.objectContaining({ status: 'up', state: 'standby (lease held by another replica)' }) });
    const leaseHeld = (line: string) => line.includes('name="channel:telegram:default"');
    expect(await metricValue(holder, 'switchboard_leases_held', leaseHeld)).toBe(1);
    expect(await metricValue(standby, 'switchboard_leases_held', leaseHeld)).toBe(0);

    // Each answer streams for about a second, so the kill lands while turns are half sent.
    harness.llm.respondWith((request) => ({ text: `echo: ${request.userText}`, chunks: 4, chunkDelayMs: 250 }));
    // Messages keep coming, one user each, before, during and after the takeover.
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < MESSAGES; i += 1) {
        harness.telegram.queueUpdate(harness.telegram.build.privateText(`message ${i}`, { from: USERS[i] }));
        sent += 1;
        await sleep(SEND_EVERY_MS);
      }
    })();

    await until(() => sent >= 20 && answered() >= 5, 'a few messages answered by the first replica', 60_000, logs);
    await holder.stop('SIGKILL');
    const killedAt = Date.now();
    const answeredAtKill = answered();
    const sentAtKill = sent;

    await until(
      async () => (await channelReadiness(standby, 'telegram')).channel.state === 'polling (lease held)',
      'the standby replica to take the lease over',
      TAKEOVER_BOUND_MS,
      logs,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover ${(takeoverMs / 1000).toFixed(1)} s after kill -9; ${answeredAtKill}/${MESSAGES} answered at the kill`);
    expect(await metricValue(standby, 'switchboard_leases_held', leaseHeld)).toBe(1);

    await sending;
    await until(() => answered() === MESSAGES, `all ${MESSAGES} messages answered`, 120_000, () => ` (${answered()} answered)${logs()}`);

    // Quiescence: nothing pending in the database, nothing waiting, running or delayed in the queues.
    const busy = (line: string) => /state="(waiting|active|delayed)"/.test(line);
    await until(
      async () => (await metricValue(standby, 'switchboard_messages_pending')) === 0 && (await metricValue(standby, 'switchboard_queue_depth', busy)) === 0,
      'the deployment to settle',
      60_000,
      logs,
    );
    // Each chat has its answer exactly once. The one thing the kill may leave besides is a draft the
    // killed replica had sent but not yet recorded (Telegram accepted it, the process died before
    // writing its id down): at most one per chat, a cut-off beginning of the answer with the cursor,
    // in a chat whose message came before the kill.
    let orphanedDrafts = 0;
    for (const [i, user] of USERS.entries()) {
      const texts = harness.telegram.messagesIn(user.id).map((m) => m.text);
      expect(texts.filter((text) => text === expected(i)), `chat of user ${i}: ${JSON.stringify(texts)}`).toHaveLength(1);
      const others = texts.filter((text) => text !== expected(i));
      if (others.length === 0) continue;
      orphanedDrafts += 1;
      expect(i, `chat of user ${i}, whose message came after the kill: ${JSON.stringify(texts)}`).toBeLessThan(sentAtKill);
      expect(others, `chat of user ${i}`).toHaveLength(1);
      expect(others[0]).toMatch(/ ▍$/);
      expect(expected(i).startsWith(others[0].replace(/ ▍$/, ''))).toBe(true);
    }
    console.log(`${orphanedDrafts} draft(s) cut off by the kill and left beside the full answer`);
    expect(harness.telegram.pendingUpdates).toEqual([]);
  });
});
