// Message pipeline benchmark: Telegram webhook → inbound pipeline → queue → agent turn → LLM →
// reply on the Bot API, through the built gateway process, against fakes on 127.0.0.1 cheap
// enough not to be the bottleneck (bench/lib/fake-bot-api.js, bench/lib/fake-openai.js).
//   npm run bench:pipeline [-- options]
//     --modes embedded,postgres   stores: embedded PGlite + in-process queue, PostgreSQL + BullMQ
//     --llm echo,openai           LLM_PROVIDER=echo (no network) or the fake OpenAI-compatible server
//     --queue 64,128              QUEUE_CONCURRENCY values
//     --workers 0                 QUEUE_WORKER_PROCESSES values (postgres mode; 0: turns run in the gateway)
//     --loads fixed,saturation    fixed: open loop at --rate msgs/s; saturation: --inflight messages
//                                 in flight end to end; ingest: --inflight webhook calls in flight
//     --rate 500 --seconds 10 --inflight 128 --drain 30 --warmup 300 --runs 1
//     --redis-db 13               Redis database the BullMQ runs use (must hold nothing else)
//     --cpu-prof                  profile the gateway (node --cpu-prof), print its hotspots and keep
//                                 the .cpuprofile (path printed)
//     --node-args "..."           more options for the gateway's node (e.g. --require a hook)
//     --allowlist 10,100000       postgres mode: instead of GATEWAY_ALLOW_ALL_USERS, an allowlist of
//                                 N Telegram users that every sender is on; each run is repeated
//                                 for each size, alternating, and the throughput ratio is printed
// Before and after the runs it measures the host (bench/lib/host-check.js): figures from a shared
// machine compare only with figures taken when it was about as fast.
// Every message comes from a private chat of its own, so the per-session lock never serialises
// two of them. With --allowlist the senders cycle through the allowlisted users (a private chat's
// id is its user's; here the chats stay distinct, so the sessions do too). Each run gets a new gateway on a new store (migrated beforehand) and removes it.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { Client } = require('pg');
const { intFlag } = require('./lib/args');
const { cpuSnapshot, processTree, treeCpuMsOf } = require('./lib/cpu');
const { monotonicUs, summarizeProfile } = require('./lib/cpu-profile');
const { startFakeBotApi } = require('./lib/fake-bot-api');
const { startFakeOpenAi } = require('./lib/fake-openai');
const { hasFlag, intListFlag, listFlag, wholeFlag } = require('./lib/flags');
const { startGateway } = require('./lib/gateway');
const { checkHost, describeHost } = require('./lib/host-check');
const { memoryOf } = require('./lib/rss');
const { createDatabase, DIST, migrate, printJson } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');
const { sleep } = require('./lib/time');
const { BULLMQ_PREFIX } = require(`${DIST}/libs/queue/src/bullmq/bullmq.driver`);
const { JOB_NAMES } = require(`${DIST}/libs/queue/src/job-map`);
const { redisOptionsFromUrl } = require(`${DIST}/libs/queue/src/bullmq/redis-options`);

const BOT_TOKEN = '7000000001:AAFakeTokenForSwitchboardTests';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const REDIS_HOST = 'redis://127.0.0.1:6379';
const MAX_MESSAGES_PER_RUN = 100_000;
const WARMUP_INFLIGHT = 32;
const WARMUP_TIMEOUT_MS = 120_000;
const TOP_FUNCTIONS = 15;

const TARGETS = {
  ackP99Ms: 25, // at 500 msgs/s offered
  repliedPerS: 1_000, // end to end, PostgreSQL + BullMQ
};

// Embedded: PGlite and the in-process queue; postgres: PostgreSQL and BullMQ on Redis.
const STORES = { embedded: embeddedStore, postgres: postgresStore };

async function main() {
  const argv = process.argv;
  const options = {
    modes: listFlag(argv, '--modes', ['embedded', 'postgres'], Object.keys(STORES)),
    llms: listFlag(argv, '--llm', ['echo', 'openai'], ['echo', 'openai']),
    queues: intListFlag(argv, '--queue', [64, 128]),
    workers: listFlag(argv, '--workers', ['0']).map(Number),
    loads: listFlag(argv, '--loads', ['fixed', 'saturation'], ['fixed', 'saturation', 'ingest']),
    rate: intFlag(argv, '--rate', 500),
    seconds: intFlag(argv, '--seconds', 10),
    inflight: intFlag(argv, '--inflight', 128),
    drainS: intFlag(argv, '--drain', 30),
    warmup: wholeFlag(argv, '--warmup', 300),
    runs: intFlag(argv, '--runs', 1),
    redisDb: wholeFlag(argv, '--redis-db', 13),
    cpuProf: hasFlag(argv, '--cpu-prof'),
    nodeArgs: listFlag(argv, '--node-args', [], undefined, ' '),
    allowlists: intListFlag(argv, '--allowlist', [undefined]),
  };
  if (options.allowlists[0] !== undefined && options.modes.includes('embedded')) throw new Error('--allowlist seeds PostgreSQL: use it with --modes postgres');
  if (options.rate * options.seconds > MAX_MESSAGES_PER_RUN) throw new Error(`--rate × --seconds may not exceed ${MAX_MESSAGES_PER_RUN} messages`);

  // Before and after: a shared host's speed drifts during a benchmark, too.
  const host = { before: await checkHost() };
  process.stderr.write(`${describeHost(host.before)}\n`);
  const botApi = await startFakeBotApi({ token: BOT_TOKEN, onFinal: (chatId, at) => tracker?.final(chatId, at) });
  const llm = await startFakeOpenAi();
  const redisUrl = `${REDIS_HOST}/${options.redisDb}`;
  const results = [];
  try {
    if (options.modes.includes('postgres')) await clearBullMq(redisUrl, { refuseForeignKeys: true });
    for (const mode of options.modes) {
      for (const llmKind of options.llms) {
        for (const queueConcurrency of options.queues) {
          // Worker processes need BullMQ: the embedded mode runs turns in the gateway only.
          for (const workers of mode === 'postgres' ? options.workers : [0]) {
            for (const load of options.loads) {
              for (let run = 1; run <= options.runs; run++) {
                for (const allowlist of options.allowlists) {
                  const spec = { mode, llm: llmKind, queueConcurrency, workers, load, run, allowlist };
                  process.stderr.write(
                    `${mode} / ${llmKind} / QUEUE_CONCURRENCY=${queueConcurrency} / QUEUE_WORKER_PROCESSES=${workers} / ${load}` +
                      `${allowlist ? ` / allowlist ${allowlist}` : ''}: run ${run}/${options.runs}\n`,
                  );
                  const result = await runCase(spec, options, { botApi, llm, redisUrl }).catch((error) => ({ ...spec, error: error.message }));
                  if (result.error) process.stderr.write(`  failed: ${result.error}\n`);
                  else process.stderr.write(`  ${describe(result)}\n`);
                  results.push(result);
                }
              }
            }
          }
        }
      }
    }
  } finally {
    await Promise.all([botApi.close(), llm.close()]);
  }
  host.after = await checkHost();

  report(results, options, host);
  if (results.some((result) => result.error)) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// One run: a store, a gateway, a warm-up, the measured load, the drain, the figures.

/** The run being measured; the fake Bot API reports final replies to it. */
let tracker;
/** Chat ids are unique over the whole benchmark, so that no run sees another's replies. */
let nextChatId = 1_000_000_000;
let nextUpdateId = 500_000_000;
/** With --allowlist: the size of the run's allowlist, whose users are FIRST_ALLOWED_USER, +1, ... */
let allowedUsers;
const FIRST_ALLOWED_USER = 700_000_000;

async function runCase(spec, options, { botApi, llm, redisUrl }) {
  const store = await STORES[spec.mode](redisUrl);
  const profileDir = options.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-prof-')) : undefined;
  let gateway;
  let client;
  try {
    const env = {
      ...store.env,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: botApi.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      GATEWAY_ALLOW_ALL_USERS: spec.allowlist ? 'false' : 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_HOUR: '0',
      QUEUE_CONCURRENCY: String(spec.queueConcurrency),
      QUEUE_WORKER_PROCESSES: String(spec.workers),
      ...(spec.llm === 'echo'
        ? { LLM_PROVIDER: 'echo' }
        : { LLM_PROVIDER: 'openai-compatible', LLM_MODEL: llm.model, OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'sk-bench' }),
    };
    const nodeArgs = [...options.nodeArgs, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    allowedUsers = spec.allowlist;
    if (spec.allowlist) await seedAllowlist(store.env.DATABASE_URL, spec.allowlist);
    gateway = await startGateway(env, { nodeArgs });
    client = newClient(gateway.port, Math.max(256, options.inflight));
    await warmUp(client, options.warmup);

    botApi.resetCounts();
    const llmBefore = llm.requests();
    const capacity = spec.load === 'fixed' ? options.rate * options.seconds : MAX_MESSAGES_PER_RUN;
    const run = newTracker(capacity);
    const cpu = {
      gateway: treeCpuMsOf(gateway.pid),
      bench: process.cpuUsage(),
      postgres: cpuSnapshot(['postgres']),
      redis: cpuSnapshot(['redis-server']),
    };
    // Late callbacks of the benchmark's own loop delay the times it takes (an ack's arrival).
    const benchLoop = monitorEventLoopDelay({ resolution: 1 });
    benchLoop.enable();
    const windowStartUs = monotonicUs();
    const untilMs = performance.now() + options.seconds * 1000;
    const deadlineMs = untilMs + options.drainS * 1000;
    const loop =
      spec.load === 'fixed'
        ? openLoop(run, client, { rate: options.rate, seconds: options.seconds })
        : closedLoop(run, client, { inflight: options.inflight, untilMs, deadlineMs, maxMessages: capacity, waitForReply: spec.load === 'saturation' });
    await run.settle(loop, deadlineMs);
    // Webhook calls still unanswered at the deadline count as failed.
    client.abortAll(`no answer within the ${options.drainS} s drain`);
    await loop;
    const windowEndUs = monotonicUs();
    benchLoop.disable();

    const wallMs = run.lastEventAt() - run.firstSentAt;
    const benchCpu = process.cpuUsage(cpu.bench);
    const resources = {
      gatewayCpuMs: treeCpuMsOf(gateway.pid) - cpu.gateway,
      postgresCpuMs: cpu.postgres.elapsedMs(),
      redisCpuMs: cpu.redis.elapsedMs(),
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    };
    // The gateway with its worker processes.
    const memory = processTree(gateway.pid)
      .map((pid) => memoryOf(pid))
      .reduce((sum, one) => ({ rssMb: sum.rssMb + one.rssMb, peakRssMb: sum.peakRssMb + one.peakRssMb }));
    const calls = botApi.counts();
    const output = run.errors || run.unreplied() ? gateway.output().slice(-3_000) : undefined;
    const exit = await gateway.stop();
    gateway = undefined;
    const profile = profileDir ? profileSummary(profileDir, windowStartUs, windowEndUs) : undefined;
    return {
      ...spec,
      ...figures(run, spec, options, wallMs),
      benchLoopDelayMs: { p99: round(benchLoop.percentile(99) / 1e6), max: round(benchLoop.max / 1e6) },
      cores: Object.fromEntries(Object.entries(resources).map(([name, ms]) => [name.replace('CpuMs', ''), round(ms / wallMs)])),
      // Only when every message was answered: otherwise part of the CPU went to unfinished ones.
      gatewayCpuMsPerReply: run.replied && !run.errors && !run.unreplied() ? round(resources.gatewayCpuMs / run.replied) : null,
      botApiCallsPerReply: run.replied ? roundAll(calls, (n) => n / run.replied) : null,
      llmRequests: llm.requests() - llmBefore,
      rssMb: round(memory.rssMb),
      peakRssMb: round(memory.peakRssMb),
      exitCode: exit.code,
      gatewayOutput: output,
      profile,
    };
  } finally {
    client?.close();
    if (gateway) await gateway.stop().catch(() => undefined);
    await store.cleanup();
  }
}

/**
 * Sends one message and waits for its reply (the gateway works end to end), then `count` more
 * with WARMUP_INFLIGHT in flight, so that the measured load meets warm code and full pools.
 */
async function warmUp(client, count) {
  if (!count) return;
  const deadlineMs = performance.now() + WARMUP_TIMEOUT_MS;
  const probe = newTracker(1);
  await closedLoop(probe, client, { inflight: 1, untilMs: deadlineMs, deadlineMs, maxMessages: 1, waitForReply: true });
  if (probe.replied !== 1) throw new Error(`the first message got ${probe.acked ? 'no reply' : probe.errorSamples.join('; ')}`);
  const warm = newTracker(count);
  await closedLoop(warm, client, { inflight: WARMUP_INFLIGHT, untilMs: deadlineMs, deadlineMs, maxMessages: count, waitForReply: true });
  if (warm.unreplied() || warm.errors) throw new Error(`warm-up: ${warm.errors} failed webhook call(s), ${warm.unreplied()} message(s) without a reply`);
}

function roundAll(object, map) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, round(map(value))]));
}

// ---------------------------------------------------------------------------------------------
// Load: what is sent when, and what came back.

/**
 * Per message of a run: when it was sent, when its webhook call was answered (and with which
 * status), and when the fake Bot API received its final reply. Times are performance.now() ms.
 */
function newTracker(capacity) {
  const firstChat = nextChatId;
  nextChatId += capacity;
  const sentAt = new Float64Array(capacity).fill(NaN);
  const ackAt = new Float64Array(capacity).fill(NaN);
  const finalAt = new Float64Array(capacity).fill(NaN);
  // Webhook calls still unanswered when the run ended (abortAll).
  const unanswered = new Uint8Array(capacity);
  const waiters = new Map();
  const statuses = new Map();
  const self = {
    sent: 0,
    /** Webhook calls answered, with any status or with an error. */
    answered: 0,
    /** Answered with 200. */
    acked: 0,
    /** Final replies received (also for messages whose webhook call failed but was processed). */
    replied: 0,
    /** Acknowledged messages with their final reply. */
    ackedAndReplied: 0,
    errors: 0,
    firstSentAt: NaN,
    lastSentAt: NaN,
    lastAckAt: NaN,
    lastFinalAt: NaN,
    maxLagMs: 0,
    sentAt,
    ackAt,
    finalAt,
    unanswered,
    statuses,
    errorSamples: [],
    unreplied: () => self.acked - self.ackedAndReplied,
    /** Sends message `i`; resolves with the webhook's status (0: no answer). */
    async send(i, client) {
      const chatId = firstChat + i;
      const senderId = allowedUsers ? FIRST_ALLOWED_USER + (chatId % allowedUsers) : chatId;
      const body = updateJson(nextUpdateId++, chatId, senderId, `Bench message ${i}, please answer.`);
      const at = performance.now();
      sentAt[i] = at;
      self.sent++;
      if (Number.isNaN(self.firstSentAt)) self.firstSentAt = at;
      self.lastSentAt = at;
      const { status, error, abandoned } = await client.post(body);
      const done = performance.now();
      self.answered++;
      if (abandoned) unanswered[i] = 1;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) {
        ackAt[i] = done;
        self.acked++;
        self.lastAckAt = done;
        if (!Number.isNaN(finalAt[i])) self.ackedAndReplied++;
      } else {
        self.errors++;
        if (self.errorSamples.length < 5) self.errorSamples.push(error ?? `HTTP ${status}`);
      }
      return status;
    },
    final(chatId, at) {
      const i = chatId - firstChat;
      if (i < 0 || i >= capacity || !Number.isNaN(finalAt[i])) return;
      finalAt[i] = at;
      self.replied++;
      self.lastFinalAt = at;
      if (!Number.isNaN(ackAt[i])) self.ackedAndReplied++;
      waiters.get(i)?.();
    },
    /** Resolves when message `i` has its final reply, or at `deadlineMs`. */
    replyOf(i, deadlineMs) {
      if (!Number.isNaN(finalAt[i])) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadlineMs - performance.now()));
        function done() {
          clearTimeout(timer);
          waiters.delete(i);
          resolve();
        }
        waiters.set(i, done);
      });
    },
    /**
     * Resolves once `loop` has sent everything, every call was answered and every acknowledged
     * message has its reply; or at `deadlineMs`.
     */
    async settle(loop, deadlineMs) {
      let sending = true;
      void loop.then(() => (sending = false));
      const busy = () => sending || self.answered < self.sent || self.ackedAndReplied < self.acked;
      while (busy() && performance.now() < deadlineMs) await sleep(20);
    },
    lastEventAt: () => Math.max(self.lastSentAt, nz(self.lastAckAt), nz(self.lastFinalAt)),
  };
  tracker = self;
  return self;
}

const nz = (value) => (Number.isNaN(value) ? -Infinity : value);

/**
 * Open loop: message i is sent at start + i/rate, whether or not earlier ones were answered, so a
 * slow gateway cannot slow the sender down (no coordinated omission). Resolves once all are sent.
 */
function openLoop(run, client, { rate, seconds }) {
  const total = rate * seconds;
  const start = performance.now();
  let next = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      if (next < due) run.maxLagMs = Math.max(run.maxLagMs, now - (start + (next * 1000) / rate));
      while (next < due) void run.send(next++, client);
      if (next >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
}

/**
 * Closed loop: `inflight` senders, each sending its next message as soon as the last one was
 * acknowledged (`waitForReply`: replied to), until `untilMs` or `maxMessages`; a reply is
 * waited for until `deadlineMs` at most.
 */
async function closedLoop(run, client, { inflight, untilMs, deadlineMs, maxMessages, waitForReply }) {
  let next = 0;
  const sender = async () => {
    while (performance.now() < untilMs && next < maxMessages) {
      const i = next++;
      const status = await run.send(i, client);
      if (status !== 200) await sleep(10); // do not spin on a gateway that refuses
      else if (waitForReply) await run.replyOf(i, deadlineMs);
    }
  };
  await Promise.all(Array.from({ length: inflight }, sender));
}

/**
 * Keep-alive connections to the gateway's webhook, up to `sockets` at once (further calls wait
 * for a free one, and that wait counts in their latency). `abortAll` ends the calls in progress.
 */
function newClient(port, sockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const open = new Set();
  const client = {
    /** POSTs one update; resolves with the status (0 and the error when nothing answered). */
    post(body, retried = false) {
      return new Promise((resolve) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/webhooks/telegram',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
            },
          },
          (response) => {
            response.resume();
            response.on('end', () => finish({ status: response.statusCode }));
            response.on('error', (error) => finish({ status: 0, error: error.message }));
          },
        );
        const finish = (result) => {
          if (!open.delete(request)) return;
          resolve({ ...result, abandoned: request.abandoned === true });
        };
        open.add(request);
        request.on('error', (error) => {
          // The server closed an idle keep-alive connection just as it was reused: send again once,
          // as Node's documentation advises (a redelivered update is dropped as a duplicate).
          if (error.code === 'ECONNRESET' && request.reusedSocket && !retried && open.delete(request)) {
            resolve(client.post(body, true));
          } else finish({ status: 0, error: error.message });
        });
        request.end(body);
      });
    },
    abortAll(reason) {
      for (const request of open) {
        request.abandoned = true;
        request.destroy(new Error(reason));
      }
    },
    close: () => agent.destroy(),
  };
  return client;
}

/** A private-chat text message shaped like libs/channels/src/telegram/fixtures/private-text.json. */
function updateJson(updateId, chatId, senderId, text) {
  const names = `"first_name":"Bench","last_name":"User"`;
  return (
    `{"update_id":${updateId},"message":{"message_id":1,"from":{"id":${senderId},${names},"username":"bench_${senderId}","is_bot":false,"language_code":"en"},` +
    `"chat":{"id":${chatId},${names},"username":"bench_${chatId}","type":"private"},"date":${Math.floor(Date.now() / 1000)},"text":${JSON.stringify(text)}}}`
  );
}

/** `size` allowlist entries for Telegram users FIRST_ALLOWED_USER, +1, ..., with fresh statistics. */
async function seedAllowlist(databaseUrl, size) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO "AllowlistEntry" (id, platform, "userId", "createdBy", "createdAt")
       SELECT gen_random_uuid(), 'telegram', ($1::bigint + i)::text, 'bench', now() FROM generate_series(0, $2 - 1) AS i`,
      [FIRST_ALLOWED_USER, size],
    );
    await db.query('VACUUM ANALYZE "AllowlistEntry"');
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Figures.

function figures(run, spec, options, wallMs) {
  const ackMs = [];
  const e2eMs = [];
  // Acks by the second of the run they were sent in: a run's first seconds and single stalls
  // show here, where the run's p99 mixes them.
  const ackMsBySecond = [];
  // A webhook call not answered by the end of the run, or a message not replied to, counts as
  // slower than any answered one (Infinity; null in the JSON line). Calls refused with another
  // status or a connection error count as errors only.
  for (let i = 0; i < run.sent; i++) {
    const acked = !Number.isNaN(run.ackAt[i]);
    if (!acked && !run.unanswered[i]) continue;
    ackMs.push(acked ? run.ackAt[i] - run.sentAt[i] : Infinity);
    (ackMsBySecond[Math.floor((run.sentAt[i] - run.firstSentAt) / 1000)] ??= []).push(ackMs.at(-1));
    e2eMs.push(Number.isNaN(run.finalAt[i]) ? Infinity : run.finalAt[i] - run.sentAt[i]);
  }
  const sendMs = run.lastSentAt - run.firstSentAt;
  return {
    offeredPerS: spec.load === 'fixed' ? options.rate : null,
    inflight: spec.load === 'fixed' ? null : options.inflight,
    sent: run.sent,
    acked: run.acked,
    replied: run.replied,
    unreplied: run.unreplied(),
    errors: run.errors,
    unanswered: run.unanswered.reduce((sum, flag) => sum + flag, 0),
    statuses: Object.fromEntries(run.statuses),
    errorSamples: run.errorSamples,
    sentPerS: round(run.sent / (sendMs / 1000)),
    ackedPerS: round(run.acked / ((run.lastAckAt - run.firstSentAt) / 1000)),
    repliedPerS: run.replied ? round(run.replied / ((run.lastFinalAt - run.firstSentAt) / 1000)) : 0,
    ackMs: { p50: round(percentile(ackMs, 50)), p99: round(percentile(ackMs, 99)), max: round(ackMs.reduce((max, value) => Math.max(max, value), 0)) },
    e2eMs: { p50: round(percentile(e2eMs, 50)), p99: round(percentile(e2eMs, 99)) },
    ackP99MsBySecond: Array.from(ackMsBySecond, (second) => (second ? round(percentile(second, 99)) : null)),
    maxSendLagMs: round(run.maxLagMs),
    wallMs: round(wallMs),
  };
}

function describe(r) {
  return (
    `sent ${r.sent}, acked ${r.ackedPerS}/s, replied ${r.repliedPerS}/s, ack p50/p99 ${ms(r.ackMs.p50)}/${ms(r.ackMs.p99)} ms, ` +
    `e2e p50/p99 ${ms(r.e2eMs.p50)}/${ms(r.e2eMs.p99)} ms, errors ${r.errors}, unreplied ${r.unreplied}, RSS ${r.rssMb} MB, ` +
    `benchmark loop delay p99/max ${r.benchLoopDelayMs.p99}/${r.benchLoopDelayMs.max} ms, ` +
    `ack p99 by second ${r.ackP99MsBySecond.map(ms).join(' ')} ms`
  );
}

const ms = (value) => (Number.isFinite(value) ? value : 'never');

function verdicts(r) {
  const out = [];
  if (r.load === 'fixed' && r.offeredPerS === 500) out.push({ target: `ack p99 ≤ ${TARGETS.ackP99Ms} ms`, met: r.ackMs.p99 <= TARGETS.ackP99Ms });
  if (r.load === 'saturation' && r.mode === 'postgres') {
    out.push({ target: `≥ ${TARGETS.repliedPerS} replied/s`, met: r.repliedPerS >= TARGETS.repliedPerS });
  }
  return out;
}

function report(results, options, host) {
  const ok = results.filter((r) => !r.error);
  const label = (r) => `${r.mode}/${r.llm}/q${r.queueConcurrency}${r.workers ? `/w${r.workers}` : ''}${r.allowlist ? `/a${r.allowlist}` : ''}`;
  const load = (r) => (r.load === 'fixed' ? `fixed ${r.offeredPerS}/s` : `${r.load} ${r.inflight}`);
  process.stdout.write(
    `\nMessage pipeline, ${options.seconds} s per load, drain ≤ ${options.drainS} s, ${options.warmup} warm-up messages per gateway\n` +
      `(fixed: open loop at the offered rate; saturation: ${options.inflight} messages in flight end to end; ` +
      `ingest: ${options.inflight} webhook calls in flight)\n` +
      `before, ${describeHost(host.before)}\nafter,  ${describeHost(host.after)}\n\n`,
  );
  printTable(
    ['case', 'load', 'sent/s', 'acked/s', 'replied/s', 'ack p50', 'ack p99', 'e2e p50', 'e2e p99', 'errors', 'unreplied', 'RSS MB', 'target', 'met'],
    ok.map((r) => {
      const verdict = verdicts(r);
      return [
        label(r),
        load(r),
        r.sentPerS,
        r.ackedPerS,
        r.repliedPerS,
        ms(r.ackMs.p50),
        ms(r.ackMs.p99),
        ms(r.e2eMs.p50),
        ms(r.e2eMs.p99),
        r.errors,
        r.unreplied,
        r.rssMb,
        verdict.map((v) => v.target).join('; ') || '—',
        verdict.map((v) => (v.met ? '✓' : '✗')).join(' '),
      ];
    }),
  );
  process.stdout.write('\nCPU used during the load and drain, in cores (2 = both cores of this machine busy), and per reply\n\n');
  printTable(
    ['case', 'load', 'gateway', 'postgres', 'redis', 'bench+fakes', 'gateway CPU ms/reply', 'Bot API calls/reply', 'peak RSS MB', 'bench loop delay p99 ms'],
    ok.map((r) => [
      label(r),
      load(r),
      r.cores.gateway,
      r.cores.postgres,
      r.cores.redis,
      r.cores.bench,
      r.gatewayCpuMsPerReply ?? '—',
      r.botApiCallsPerReply ? Object.entries(r.botApiCallsPerReply).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`).join(', ') : '—',
      r.peakRssMb,
      r.benchLoopDelayMs.p99,
    ]),
  );
  for (const r of results.filter((result) => result.error)) process.stdout.write(`\n${label(r)} ${r.load} failed: ${r.error}\n`);
  for (const r of ok.filter((result) => result.errors)) {
    process.stdout.write(`\n${label(r)} ${load(r)}: ${r.errors} failed webhook call(s), statuses ${JSON.stringify(r.statuses)}: ${r.errorSamples.join('; ')}\n`);
  }
  if (options.allowlists.length > 1) printAllowlistRatios(ok, options.allowlists);
  for (const r of ok.filter((result) => result.profile)) printProfile(`${label(r)} ${load(r)}`, r.profile);
  process.stdout.write('\n');
  printJson('pipeline', { options, targets: TARGETS, host, results });
}

/**
 * --allowlist a,b: per run, the throughput with the last size over that with the first, for each
 * case (the sizes alternate within a run, so both meet about the same host).
 */
function printAllowlistRatios(ok, sizes) {
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const caseOf = (r) => `${r.mode}/${r.llm}/q${r.queueConcurrency}/w${r.workers}/${r.load}`;
  process.stdout.write(`\nThroughput with an allowlist of ${large} over ${small} entries, per run (1 = the same)\n\n`);
  const rows = [];
  for (const name of [...new Set(ok.map(caseOf))]) {
    const pairs = ok
      .filter((r) => caseOf(r) === name && r.allowlist === large)
      .map((l) => [ok.find((r) => caseOf(r) === name && r.allowlist === small && r.run === l.run), l])
      .filter(([s]) => s);
    const ratios = (field) => pairs.filter(([s, l]) => s[field] && l[field]).map(([s, l]) => l[field] / s[field]);
    const show = (values) => (values.length ? `${values.map((v) => v.toFixed(3)).join(' ')} (median ${percentile(values, 50).toFixed(3)})` : '—');
    rows.push([name, pairs.length, show(ratios('ackedPerS')), show(ratios('repliedPerS')), show(ratios('gatewayCpuMsPerReply'))]);
  }
  // On a shared host the throughput follows the CPU the gateway gets; the CPU per reply less so.
  printTable(['case', 'runs', 'acked/s ratio', 'replied/s ratio', 'gateway CPU ms/reply ratio'], rows);
}

// ---------------------------------------------------------------------------------------------
// CPU profile of the gateway (--cpu-prof), limited to the load and drain.

function profileSummary(dir, fromUs, toUs) {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return { error: 'the gateway wrote no profile (did it exit cleanly?)' };
  const summary = summarizeProfile(path.join(dir, file), { fromUs, toUs });
  // Kept for a closer look (Chrome DevTools, speedscope); the window is given in monotonic µs.
  const share = (entry) => ({ name: entry.name, origin: entry.origin, ms: round(entry.ms), percent: round(entry.share * 100) });
  return {
    file: path.join(dir, file),
    windowUs: [fromUs, toUs],
    sampledMs: round(summary.totalMs),
    packages: summary.packages.slice(0, TOP_FUNCTIONS).map(share),
    functions: summary.functions.slice(0, TOP_FUNCTIONS).map(share),
  };
}

function printProfile(title, profile) {
  process.stdout.write(
    `\nGateway CPU profile, ${title}: ${profile.sampledMs ?? 0} ms sampled during load and drain; self time, Node's and V8's own\n` +
      'functions counted for the package that called them\n',
  );
  if (profile.error) {
    process.stdout.write(`${profile.error}\n`);
    return;
  }
  process.stdout.write(`${profile.file}\n\n`);
  printTable(['package', 'ms', '%'], profile.packages.map((entry) => [entry.name, entry.ms, entry.percent]));
  process.stdout.write('\n');
  printTable(['function', 'origin', 'ms', '%'], profile.functions.map((f) => [f.name, f.origin, f.ms, f.percent]));
}

// ---------------------------------------------------------------------------------------------
// Stores: each run gets its own, created and migrated beforehand, removed afterwards.

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sb-bench-${prefix}-`));
}

async function embeddedStore() {
  const dataDir = tempDir('pipeline');
  const env = { SWITCHBOARD_DATA_DIR: dataDir };
  const cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    migrate(env);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { env, cleanup };
}

async function postgresStore(redisUrl) {
  // The data dir only receives the gateway's runtime file here.
  const dataDir = tempDir('pipeline');
  const database = await createDatabase();
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, SWITCHBOARD_DATA_DIR: dataDir };
  const cleanup = async () => {
    try {
      await clearBullMq(redisUrl, { refuseForeignKeys: false });
    } finally {
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    migrate({ DATABASE_URL: database.url, SWITCHBOARD_DATA_DIR: dataDir });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { env, cleanup };
}

/** A key the gateway writes: its queues, and session locks (they expire by themselves). */
function isGatewayKey(key) {
  return key.startsWith(`${BULLMQ_PREFIX}:session-lock:`) || JOB_NAMES.some((name) => key.startsWith(`${BULLMQ_PREFIX}:${name}:`));
}

/**
 * Removes the gateway's BullMQ queues from the benchmark's Redis database. That database must
 * hold nothing else: the runs would otherwise share queues with someone else's gateway.
 */
async function clearBullMq(redisUrl, { refuseForeignKeys }) {
  const connection = redisOptionsFromUrl(redisUrl);
  if (refuseForeignKeys) {
    const redis = new Redis({ ...connection, maxRetriesPerRequest: 1 });
    try {
      const foreign = [];
      let cursor = '0';
      do {
        const [nextCursor, keys] = await redis.scan(cursor, 'COUNT', 1000);
        foreign.push(...keys.filter((key) => !isGatewayKey(key)));
        cursor = nextCursor;
      } while (cursor !== '0' && foreign.length === 0);
      if (foreign.length) {
        throw new Error(`Redis ${redisUrl} holds keys that are not the gateway's queues (${foreign.slice(0, 3).join(', ')}); choose another --redis-db`);
      }
    } finally {
      redis.disconnect();
    }
  }
  for (const name of JOB_NAMES) {
    const queue = new Queue(name, { connection, prefix: BULLMQ_PREFIX });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
