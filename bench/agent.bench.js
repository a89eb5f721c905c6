// Agent benchmark: interruption latency. With AGENT_BUSY_MODE=interrupt, a second message in a
// chat whose answer is still streaming stops that stream. Measured: from the moment the second
// webhook call is sent to the moment the fake model sees the first stream's connection closed.
// The built gateway process, Telegram webhooks, a fake Bot API and a fake OpenAI-compatible model
// on 127.0.0.1 that streams the first answer slowly (one chunk per 50 ms, long enough never to end
// by itself) and the second one at once. Runs one after another, each in a chat of its own.
//   node bench/agent.bench.js [-- --runs 200 --modes embedded,postgres --redis-db 11 --after-ms 0]
// --after-ms: how long after the first request reached the model the second message is sent (0:
// at once, while the turn still records its draft; 300: once the answer streams steadily).
//
// With --tool-steps 0,1,4 it measures the tool loop instead: an instant model answers after calling
// current_time N times (one call per response), and each run's time from the webhook call to the
// final reply on the Bot API is taken; the overhead per step is the median's growth per step (the
// fake model's own time is ~0, so this is the gateway's: recording, running, streaming again).
//   node bench/agent.bench.js -- --tool-steps 0,1,4 --runs 100 --modes embedded
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Redis } = require('ioredis');
const { intFlag } = require('./lib/args');
const { closeServer, startFakeBotApi } = require('./lib/fake-bot-api');
const { listFlag } = require('./lib/flags');
const { startGateway } = require('./lib/gateway');
const { createDatabase, migrate, printJson } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');
const { sleep } = require('./lib/time');

const BOT_TOKEN = '7000000001:AAFakeTokenForSwitchboardTests';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';
const CHUNK_MS = 50;
const WAIT_MS = 30_000;

/**
 * A model that streams a reply to "<run> first" one chunk every CHUNK_MS until the client leaves,
 * and answers anything else at once. Notes, per run, when the first request arrived and closed.
 */
async function startSlowModel() {
  const runs = new Map();
  const frame = (choices, usage = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_763_712_000, model: 'fake-model', choices, usage })}\n\n`;
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const last = (body.messages ?? []).findLast?.((message) => message.role === 'user')?.content ?? '';
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const first = /^run (\d+) first$/.exec(last);
      if (!first) {
        response.end(
          frame([{ index: 0, delta: { role: 'assistant', content: 'Both answered.' }, finish_reason: null }]) +
            frame([{ index: 0, delta: {}, finish_reason: 'stop' }]) +
            frame([], { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }) +
            'data: [DONE]\n\n',
        );
        return;
      }
      const run = { arrivedAt: performance.now(), closedAt: undefined };
      runs.set(Number(first[1]), run);
      response.write(frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
      const timer = setInterval(() => response.write(frame([{ index: 0, delta: { content: 'word ' }, finish_reason: null }])), CHUNK_MS);
      response.on('close', () => {
        clearInterval(timer);
        run.closedAt = performance.now();
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${server.address().port}/v1`, runs, close: () => closeServer(server) };
}

/** An instant model: answers "<run> tools <n>" with a current_time call until it has n results, then text. */
async function startToolModel() {
  const frame = (choices, usage = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_763_712_000, model: 'fake-model', choices, usage })}\n\n`;
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const messages = body.messages ?? [];
      const wanted = Number(/tools (\d+)$/.exec(messages.findLast((message) => message.role === 'user')?.content ?? '')?.[1] ?? 0);
      const results = messages.filter((message) => message.role === 'tool').length;
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const delta =
        results < wanted
          ? { tool_calls: [{ index: 0, id: `call_${results}`, type: 'function', function: { name: 'current_time', arguments: '{}' } }] }
          : { content: 'Done.' };
      response.end(
        frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) +
          frame([{ index: 0, delta, finish_reason: null }]) +
          frame([{ index: 0, delta: {}, finish_reason: results < wanted ? 'tool_calls' : 'stop' }]) +
          frame([], { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }) +
          'data: [DONE]\n\n',
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${server.address().port}/v1`, close: () => closeServer(server) };
}

function post(port, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/webhooks/telegram',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      },
      (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`webhook answered ${response.statusCode}`))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function updateJson(updateId, chatId, text) {
  const user = `"id":${chatId},"first_name":"Bench","username":"bench_${chatId}"`;
  return `{"update_id":${updateId},"message":{"message_id":${updateId},"from":{${user},"is_bot":false},"chat":{${user},"type":"private"},"date":${Math.floor(Date.now() / 1000)},"text":${JSON.stringify(text)}}}`;
}

async function until(what, condition) {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > WAIT_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

async function store(mode, redisUrl) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-agent-'));
  if (mode === 'embedded') {
    migrate({ SWITCHBOARD_DATA_DIR: dataDir });
    return { env: { SWITCHBOARD_DATA_DIR: dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const database = await createDatabase();
  migrate({ DATABASE_URL: database.url, SWITCHBOARD_DATA_DIR: dataDir });
  return {
    env: { DATABASE_URL: database.url, REDIS_URL: redisUrl, SWITCHBOARD_DATA_DIR: dataDir },
    cleanup: async () => {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(mode, runs, redisUrl, afterMs) {
  const model = await startSlowModel();
  const botApi = await startFakeBotApi({ token: BOT_TOKEN, onFinal: () => undefined });
  const { env, cleanup } = await store(mode, redisUrl);
  let gateway;
  try {
    gateway = await startGateway({
      ...env,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: botApi.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      GATEWAY_ALLOW_ALL_USERS: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_HOUR: '0',
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'fake-model',
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'sk-bench',
      AGENT_BUSY_MODE: 'interrupt',
    });
    const latencies = [];
    let updateId = 1;
    for (let run = 0; run < runs; run++) {
      const chatId = 500_000 + run;
      await post(gateway.port, updateJson(updateId++, chatId, `run ${run} first`));
      await until(`run ${run}: the first request`, () => model.runs.has(run));
      if (afterMs) await sleep(afterMs);
      const sentAt = performance.now();
      await post(gateway.port, updateJson(updateId++, chatId, `run ${run} second`));
      const first = model.runs.get(run);
      await until(`run ${run}: the first stream closed`, () => first.closedAt !== undefined);
      latencies.push(first.closedAt - sentAt);
    }
    return latencies;
  } finally {
    await gateway?.stop().catch(() => undefined);
    await cleanup();
    await model.close();
    await botApi.close();
  }
}

/** Per step count: the time from each webhook call to its chat's final reply, one chat per run. */
async function measureTools(mode, runs, redisUrl, stepCounts) {
  const model = await startToolModel();
  const finals = new Map();
  const botApi = await startFakeBotApi({ token: BOT_TOKEN, onFinal: (chatId, at) => finals.set(chatId, at) });
  const { env, cleanup } = await store(mode, redisUrl);
  let gateway;
  try {
    gateway = await startGateway({
      ...env,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: botApi.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      GATEWAY_ALLOW_ALL_USERS: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_HOUR: '0',
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'fake-model',
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'sk-bench',
      AGENT_TOOLS: 'current_time',
      AGENT_TOOL_MAX_STEPS: String(Math.max(...stepCounts) + 1),
    });
    const latencies = new Map(stepCounts.map((steps) => [steps, []]));
    let updateId = 1;
    for (let run = 0; run < runs; run++) {
      // Step counts interleaved, so a drift of the machine's speed hits them alike.
      for (const steps of stepCounts) {
        const chatId = 600_000 + updateId;
        const sentAt = performance.now();
        await post(gateway.port, updateJson(updateId++, chatId, `run ${run} tools ${steps}`));
        await until(`run ${run} with ${steps} steps: the final reply`, () => finals.has(chatId));
        latencies.get(steps).push(finals.get(chatId) - sentAt);
      }
    }
    return latencies;
  } finally {
    await gateway?.stop().catch(() => undefined);
    await cleanup();
    await model.close();
    await botApi.close();
  }
}

async function mainTools(argv, stepCounts) {
  const runs = intFlag(argv, '--runs', 100);
  const modes = listFlag(argv, '--modes', ['embedded', 'postgres']);
  const redisUrl = `redis://127.0.0.1:6379/${intFlag(argv, '--redis-db', 11)}`;
  const rows = [];
  const results = {};
  for (const mode of modes) {
    const latencies = await measureTools(mode, runs, redisUrl, stepCounts);
    const plain = percentile(latencies.get(stepCounts[0]), 50);
    results[mode] = {};
    for (const [steps, values] of latencies) {
      const p50 = percentile(values, 50);
      const perStep = steps === stepCounts[0] ? null : round((p50 - plain) / (steps - stepCounts[0]));
      results[mode][steps] = { runs: values.length, p50Ms: round(p50), p99Ms: round(percentile(values, 99)), perStepMs: perStep };
      rows.push([mode, steps, values.length, round(p50), round(percentile(values, 99)), perStep ?? '-']);
    }
  }
  printTable(['store', 'tool steps', 'runs', 'p50 ms', 'p99 ms', 'p50 growth per step ms'], rows);
  printJson('agent-tool-loop', results);
}

async function main() {
  const argv = process.argv.slice(2);
  const stepCounts = listFlag(argv, '--tool-steps', []).map(Number);
  if (stepCounts.some((steps) => !Number.isInteger(steps) || steps < 0)) throw new Error(`--tool-steps expects whole numbers from 0, got ${stepCounts.join(',')}`);
  if (stepCounts.length) return mainTools(argv, stepCounts);
  const runs = intFlag(argv, '--runs', 200);
  const modes = listFlag(argv, '--modes', ['embedded', 'postgres']);
  const redisUrl = `redis://127.0.0.1:6379/${intFlag(argv, '--redis-db', 11)}`;
  const afterFlag = argv.findIndex((arg) => arg === '--after-ms');
  const afterMs = afterFlag === -1 ? 0 : Number(argv[afterFlag + 1]);
  const rows = [];
  const results = {};
  for (const mode of modes) {
    const latencies = await measure(mode, runs, redisUrl, afterMs);
    const figures = { runs: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(Math.max(...latencies)) };
    results[mode] = figures;
    rows.push([mode === 'embedded' ? 'embedded (PGlite, in-process queue)' : 'PostgreSQL + BullMQ (Redis pub/sub)', figures.runs, figures.p50Ms, figures.p99Ms, figures.maxMs]);
  }
  printTable(['store', 'runs', 'p50 ms', 'p99 ms', 'max ms'], rows);
  printJson('agent-interrupt', { afterMs, ...results });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
