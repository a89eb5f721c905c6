// Enterprise channels side by side with Telegram: for each platform and receiving mode, a fresh
// built gateway (embedded store, LLM_PROVIDER=echo: an instant model) against that platform's fake
// from libs/testing (the same fakes the channel contract suite uses, loaded from their TypeScript
// sources with jiti), kept saturated with --inflight deliveries, each from a user and DM of its
// own; a delivery counts once the fake shows the bot's reply (the echoed text) in that chat.
// Then the per-request cost of each webhook's authentication, measured in this process on the
// built adapters' own checks, for a valid and a forged request.
//   npm run bench:channels [-- options]
//     --platforms telegram-webhook,dingtalk-webhook,...   (default: all below; Telegram is the baseline)
//     --inflight 64 --seconds 8 --warmup 100 --runs 2 --queue 64
//     --verify-iterations 20000
//     --cpu-prof                  profile each gateway (node --cpu-prof) and print, per platform,
//                                 where its CPU went during the window, by package
// Runs alternate the order of the platforms (forward, then reversed, ...); medians are printed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { intFlag } = require('./lib/args');
const { treeCpuMsOf } = require('./lib/cpu');
const { monotonicUs, summarizeProfile } = require('./lib/cpu-profile');
const { hasFlag, listFlag } = require('./lib/flags');
const { startGateway } = require('./lib/gateway');
const { checkHost, describeHost } = require('./lib/host-check');
const { memoryOf } = require('./lib/rss');
const { DIST, migrate, printJson, ROOT } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');

const BASELINE = 'telegram-webhook';
const TARGET_RATIO = 0.7;
const POLL_MS = 5;
const WARMUP_INFLIGHT = 16;
const WARMUP_TIMEOUT_MS = 60_000;
const DRAIN_MS = 15_000;

const testing = loadTesting();

/**
 * Each case: the contract platform (fake + how it delivers and what the bot shows) and the user
 * ids in the platform's own format (every delivery comes from a user of its own).
 */
const CASES = {
  'telegram-webhook': { make: () => new testing.TelegramContractPlatform('webhook'), user: (i) => String(800_000_000 + i) },
  'dingtalk-webhook': { make: () => new testing.DingTalkContractPlatform('webhook'), user: (i) => `benchstaff${i}` },
  'dingtalk-stream': { make: () => new testing.DingTalkContractPlatform('stream'), user: (i) => `benchstaff${i}` },
  'feishu-webhook': { make: () => new testing.FeishuContractPlatform('webhook'), user: (i) => `ou_bench${String(i).padStart(27, '0')}` },
  'feishu-websocket': { make: () => new testing.FeishuContractPlatform('websocket'), user: (i) => `ou_bench${String(i).padStart(27, '0')}` },
  'wecom-callback': { make: () => new testing.WecomContractPlatform('callback'), user: (i) => `benchuser${i}` },
  'wecom-aibot': { make: () => new testing.WecomContractPlatform('aibot'), user: (i) => `benchuser${i}` },
  'whatsapp-webhook': { make: () => new testing.WhatsAppContractPlatform(), user: (i) => `49151${String(i).padStart(8, '0')}` },
  'generic-webhook': { make: () => new testing.GenericWebhookContractPlatform(), user: (i) => `bench-user-${i}` },
  'slack-http': { make: () => new testing.SlackContractPlatform('http'), user: (i) => `UB${String(i).padStart(8, '0')}` },
  'slack-socket': { make: () => new testing.SlackContractPlatform('socket'), user: (i) => `UB${String(i).padStart(8, '0')}` },
  'discord-gateway': { make: () => new testing.DiscordContractPlatform(), user: (i) => `2${String(i).padStart(17, '0')}` },
};

async function main() {
  const argv = process.argv;
  const options = {
    platforms: listFlag(argv, '--platforms', Object.keys(CASES), Object.keys(CASES)),
    inflight: intFlag(argv, '--inflight', 64),
    seconds: intFlag(argv, '--seconds', 8),
    warmup: intFlag(argv, '--warmup', 100),
    runs: intFlag(argv, '--runs', 2),
    queue: intFlag(argv, '--queue', 64),
    verifyIterations: intFlag(argv, '--verify-iterations', 20_000),
    cpuProf: hasFlag(argv, '--cpu-prof'),
  };
  const host = { loadBefore: os.loadavg().map(round), before: await checkHost() };
  process.stderr.write(`${describeHost(host.before)}; load average ${host.loadBefore.join(' ')}\n`);

  const verification = await verificationCosts(options.verifyIterations);
  const results = [];
  for (let run = 1; run <= options.runs; run++) {
    const order = run % 2 ? options.platforms : [...options.platforms].reverse();
    for (const name of order) {
      process.stderr.write(`${name}: run ${run}/${options.runs}\n`);
      const result = await runCase(name, options).catch((error) => ({ error: error.message }));
      results.push({ name, run, ...result });
      process.stderr.write(`  ${result.error ? `failed: ${result.error}` : describe(result)}\n`);
    }
  }
  host.loadAfter = os.loadavg().map(round);
  host.after = await checkHost();
  report(results, verification, options, host);
  if (results.some((result) => result.error)) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// One run: a fake, a gateway, a warm-up, the saturated window.

let nextUser = 1;

async function runCase(name, options) {
  const spec = CASES[name];
  const platform = spec.make();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-channels-'));
  const profileDir = options.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-channels-prof-')) : undefined;
  let gateway;
  let tracker;
  try {
    await platform.start();
    const env = {
      SWITCHBOARD_DATA_DIR: dataDir,
      ...platform.gatewayEnv(),
      GATEWAY_ALLOW_ALL_USERS: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_PER_HOUR: '0',
      QUEUE_CONCURRENCY: String(options.queue),
      LLM_PROVIDER: 'echo',
    };
    migrate(env);
    gateway = await startGateway(env, { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    platform.attach(gateway.url);
    tracker = newReplyTracker(platform);

    const warmDeadline = performance.now() + WARMUP_TIMEOUT_MS;
    const probe = await saturate(platform, spec, tracker, { inflight: 1, untilMs: warmDeadline, max: 1, deadlineMs: warmDeadline });
    if (probe.replied !== 1) throw new Error(`the first message got no reply (${probe.errors.join('; ') || 'no error'})\n${gateway.output().slice(-2_000)}`);
    const warm = await saturate(platform, spec, tracker, { inflight: WARMUP_INFLIGHT, untilMs: warmDeadline, max: options.warmup, deadlineMs: warmDeadline });
    if (warm.replied !== options.warmup) throw new Error(`warm-up: ${warm.replied}/${options.warmup} replied (${warm.errors.slice(0, 3).join('; ')})`);

    const cpuBefore = treeCpuMsOf(gateway.pid);
    const benchCpu = process.cpuUsage();
    const startedAt = performance.now();
    const fromUs = monotonicUs();
    const untilMs = startedAt + options.seconds * 1000;
    const measured = await saturate(platform, spec, tracker, { inflight: options.inflight, untilMs, deadlineMs: untilMs + DRAIN_MS });
    const wallMs = options.seconds * 1000;
    const elapsedMs = performance.now() - startedAt;
    // Window and drain: the CPU of every reply counted below.
    const gatewayCpuMs = treeCpuMsOf(gateway.pid) - cpuBefore;
    const benchUsage = process.cpuUsage(benchCpu);
    const memory = memoryOf(gateway.pid);
    const toUs = monotonicUs();
    await gateway.stop();
    gateway = undefined;
    const inWindow = measured.latencies.filter((entry) => entry.doneAt <= untilMs);
    const latencies = measured.latencies.map((entry) => entry.ms);
    return {
      repliesPerS: round(inWindow.length / (wallMs / 1000)),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      sent: measured.sent,
      unreplied: measured.sent - measured.replied,
      errors: measured.errors.length,
      errorSamples: measured.errors.slice(0, 3),
      rssMb: round(memory.rssMb),
      gatewayCores: round(gatewayCpuMs / elapsedMs),
      // Over every reply of the window and its drain, as the CPU time is.
      gatewayCpuMsPerReply: measured.replied ? round(gatewayCpuMs / measured.replied) : null,
      benchCores: round((benchUsage.user + benchUsage.system) / 1000 / elapsedMs),
      profile: profileDir ? profilePackages(profileDir, fromUs, toUs) : undefined,
    };
  } finally {
    tracker?.stop();
    if (gateway) await gateway.stop().catch(() => undefined);
    await platform.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The gateway's CPU during the window and drain, by package (the profile file is kept). */
function profilePackages(dir, fromUs, toUs) {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return { error: 'the gateway wrote no profile' };
  const summary = summarizeProfile(path.join(dir, file), { fromUs, toUs });
  return {
    file: path.join(dir, file),
    sampledMs: round(summary.totalMs),
    packages: summary.packages.slice(0, 8).map((entry) => ({ name: entry.name, ms: round(entry.ms), percent: round(entry.share * 100) })),
  };
}

/**
 * Keeps `inflight` deliveries going until `untilMs` (or `max` sent): each one delivers a message
 * from a new user in their DM and waits for the reply to show there. Resolves once every sent
 * message has its reply, or at `deadlineMs`.
 */
async function saturate(platform, spec, tracker, { inflight, untilMs, deadlineMs, max = Infinity }) {
  const result = { sent: 0, replied: 0, errors: [], latencies: [] };
  const one = async () => {
    while (performance.now() < untilMs && result.sent < max) {
      result.sent++;
      const n = nextUser++;
      const user = { id: spec.user(n), name: `Bench ${n}` };
      const chat = platform.dmWith(user);
      const text = `Bench message ${n}, please answer.`;
      const sentAt = performance.now();
      const replied = tracker.waitFor(chat, text, deadlineMs);
      try {
        const delivery = await platform.deliver({ from: user, chat, text });
        if (delivery.status !== undefined && delivery.status !== 200) throw new Error(`HTTP ${delivery.status}`);
      } catch (error) {
        tracker.forget(chat);
        result.errors.push(error.message);
        continue;
      }
      const doneAt = await replied;
      if (doneAt === undefined) {
        result.errors.push(`no reply within the ${DRAIN_MS / 1000} s drain`);
        continue;
      }
      result.replied++;
      result.latencies.push({ ms: doneAt - sentAt, doneAt });
    }
  };
  await Promise.all(Array.from({ length: inflight }, one));
  return result;
}

/**
 * Watches the chats awaiting a reply: every POLL_MS it asks the fake what the bot shows in each
 * and resolves a chat once its reply is the echoed text in full (streamed drafts are prefixes or
 * carry a cursor). Latencies are thus late by up to POLL_MS, the same for every platform.
 */
function newReplyTracker(platform) {
  const waiting = new Map();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const [key, entry] of waiting) {
      if (platform.botTexts(entry.chat).includes(entry.text)) {
        waiting.delete(key);
        entry.resolve(now);
      } else if (now > entry.deadlineMs) {
        waiting.delete(key);
        entry.resolve(undefined);
      }
    }
  }, POLL_MS);
  return {
    waitFor: (chat, text, deadlineMs) => new Promise((resolve) => waiting.set(chat.id, { chat, text, deadlineMs, resolve })),
    forget(chat) {
      waiting.get(chat.id)?.resolve(undefined);
      waiting.delete(chat.id);
    },
    stop() {
      clearInterval(timer);
      for (const entry of waiting.values()) entry.resolve(undefined);
      waiting.clear();
    },
  };
}

function describe(result) {
  return `${result.repliesPerS} replies/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, RSS ${result.rssMb} MB, gateway ${result.gatewayCores} cores (${result.gatewayCpuMsPerReply} ms CPU/reply), bench ${result.benchCores} cores, ${result.errors} errors, ${result.unreplied} unreplied`;
}

// ---------------------------------------------------------------------------------------------
// Authentication cost per webhook request, on the built adapters' checks.

/**
 * µs per request for each webhook's check, valid and forged, with requests built as the fakes
 * build them. Telegram, DingTalk and the generic webhook keep theirs in private adapter methods,
 * called here on a bare object holding only what they read; Feishu, WeCom and Slack export theirs,
 * and WhatsApp's is the SDK's (asynchronous: WebCrypto).
 */
async function verificationCosts(iterations) {
  const { TelegramAdapter } = require(`${DIST}/libs/channels/src/telegram/telegram.adapter`);
  const { DingTalkAdapter } = require(`${DIST}/libs/channels/src/dingtalk/dingtalk.adapter`);
  const { openDelivery } = require(`${DIST}/libs/channels/src/feishu/feishu.webhook`);
  const { openCallback, signatureMatches } = require(`${DIST}/libs/channels/src/wecom/wecom.callback-crypto`);
  const { encrypt, getSignature } = require('@wecom/crypto');
  const { createWhatsAppGraph } = require(`${DIST}/libs/channels/src/whatsapp/whatsapp.graph`);
  const { GenericWebhookAdapter } = require(`${DIST}/libs/channels/src/generic-webhook/generic-webhook.adapter`);
  const { Webhook } = require('standardwebhooks');
  const slackWebhook = require(`${DIST}/libs/channels/src/slack/slack.webhook`);

  const telegramSecret = 'bench-webhook-secret-0123456789';
  const telegram = { options: { webhookSecret: telegramSecret } };
  const dingtalkSecret = testing.FAKE_DINGTALK_CLIENT_SECRET;
  const dingtalk = { options: { clientSecret: dingtalkSecret } };
  const feishuKey = 'bench-encrypt-key';
  const feishuToken = 'bench-verification-token';
  const feishuEnvelope = new testing.FeishuEventBuilder(() => undefined, () => undefined).text({
    from: { openId: 'ou_bench1', name: 'Bench' },
    chat: { chatId: 'oc_bench1', type: 'p2p' },
    mention: [],
    appId: 'cli_bench',
    token: feishuToken,
    text: 'Bench message, please answer.',
  });
  const feishuRequest = (signWith) => {
    const delivery = testing.feishuWebhookDelivery(feishuEnvelope, { encryptKey: feishuKey, signWith });
    return { method: 'POST', headers: delivery.headers, query: {}, rawBody: Buffer.from(delivery.body) };
  };
  const wecomKeys = { token: 'BenchCallbackToken', encodingAesKey: 'a'.repeat(43), corpId: 'wwbenchcorp0001' };
  const wecomXml = '<xml><ToUserName><![CDATA[wwbenchcorp0001]]></ToUserName><FromUserName><![CDATA[benchuser1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[Bench message, please answer.]]></Content><MsgId>1234567890</MsgId><AgentID>1000002</AgentID></xml>';
  const wecomEncrypted = encrypt(wecomKeys.encodingAesKey, wecomXml, wecomKeys.corpId);
  const wecomQuery = (token) => ({ timestamp: '1700000000', nonce: 'benchnonce', msgSignature: getSignature(token, '1700000000', 'benchnonce', wecomEncrypted) });
  const wecom = (query) => signatureMatches(wecomKeys, query, wecomEncrypted) && openCallback(wecomKeys, wecomEncrypted) !== undefined;
  const whatsappFake = new testing.FakeWhatsAppServer();
  const whatsappApi = (await createWhatsAppGraph({ ...whatsappFake.app, apiRoot: 'http://127.0.0.1:9' })).api;
  const whatsappIncoming = { from: '4915100000001', name: 'Bench', text: 'Bench message, please answer.' };
  const genericSystem = new testing.FakeGenericWebhookServer();
  // The adapter's check on a bare object: its verifier, and a logger that stays quiet for the forged calls.
  const generic = { verifier: new Webhook(genericSystem.secret), logger: { warn: () => undefined } };
  const genericRequest = (secret) => {
    const delivery = genericSystem.request({ chat: { id: 'c1' }, sender: { id: 'u1' }, text: 'Bench message, please answer.' }, { secret });
    return { method: 'POST', headers: delivery.headers, query: {}, rawBody: Buffer.from(delivery.body) };
  };

  const cases = [
    {
      name: 'Telegram secret token',
      valid: () => TelegramAdapter.prototype.secretMatches.call(telegram, telegramSecret),
      forged: () => TelegramAdapter.prototype.secretMatches.call(telegram, 'not-the-webhook-secret-0123456789'),
    },
    {
      name: 'DingTalk timestamp + sign (HMAC-SHA256)',
      valid: () => DingTalkAdapter.prototype.whyForged.call(dingtalk, testing.callbackHeaders(dingtalkSecret)) === undefined,
      forged: () => DingTalkAdapter.prototype.whyForged.call(dingtalk, testing.callbackHeaders('not-the-app-secret')) === undefined,
      // Building the headers (an HMAC of its own) is part of each call: measured and taken off.
      setup: () => testing.callbackHeaders(dingtalkSecret),
    },
    (() => {
      const valid = feishuRequest(undefined);
      const forged = feishuRequest('not-the-encrypt-key');
      const secrets = { verificationToken: feishuToken, encryptKey: feishuKey };
      return {
        name: 'Feishu signature + token + AES decrypt',
        valid: () => !testing.isRefusal(openDelivery(valid, secrets)),
        forged: () => !testing.isRefusal(openDelivery(forged, secrets)),
      };
    })(),
    (() => {
      const valid = wecomQuery(wecomKeys.token);
      const forged = wecomQuery('NotTheCallbackToken');
      return { name: 'WeCom msg_signature + AES decrypt', valid: () => wecom(valid), forged: () => wecom(forged) };
    })(),
    (() => {
      const valid = whatsappFake.notification(whatsappIncoming);
      const forged = whatsappFake.notification(whatsappIncoming, { appSecret: 'not-the-app-secret' });
      // The SDK's check is asynchronous (WebCrypto): each call is awaited.
      return {
        name: 'WhatsApp X-Hub-Signature-256 (SDK, WebCrypto)',
        valid: () => whatsappApi.verifyRequestSignature(valid.body, valid.signature),
        forged: () => whatsappApi.verifyRequestSignature(forged.body, forged.signature),
      };
    })(),
    (() => {
      const valid = genericRequest(undefined);
      const forged = genericRequest(`whsec_${Buffer.from('not-the-shared-secret-at-all').toString('base64')}`);
      return {
        name: 'Generic webhook (Standard Webhooks)',
        valid: () => GenericWebhookAdapter.prototype.verified.call(generic, valid),
        forged: () => GenericWebhookAdapter.prototype.verified.call(generic, forged),
      };
    })(),
    (() => {
      const secret = testing.FAKE_SLACK_SIGNING_SECRET;
      const body = JSON.stringify(new testing.SlackEventBuilder({ teamId: 'T0BENCH', appId: 'A0BENCH', botUserId: 'U0BENCHBOT' }).message({ user: 'UB00000001', channel: 'DB00000001', channelType: 'im', text: 'Bench message, please answer.' }));
      const request = (signWith) => {
        const signed = testing.signedSlackRequest(body, signWith);
        return { method: 'POST', headers: signed.headers, query: {}, rawBody: Buffer.from(signed.body) };
      };
      const valid = request(secret);
      const forged = request('ffffffffffffffffffffffffffffffff');
      const opens = (req) => !slackWebhook.isRefusal(slackWebhook.openSlackDelivery(req, secret));
      return { name: 'Slack v0 signature (HMAC-SHA256) + timestamp', valid: () => opens(valid), forged: () => opens(forged) };
    })(),
  ];
  const costs = [];
  for (const entry of cases) {
    if (!(await entry.valid())) throw new Error(`${entry.name}: the valid request was refused`);
    if (await entry.forged()) throw new Error(`${entry.name}: the forged request was accepted`);
    const setupUs = entry.setup ? await timeUs(entry.setup, iterations) : 0;
    costs.push({
      name: entry.name,
      validUs: round(Math.max(0, (await timeUs(entry.valid, iterations)) - setupUs)),
      forgedUs: round(Math.max(0, (await timeUs(entry.forged, iterations)) - setupUs)),
    });
  }
  return costs;
}

/** µs per call: the median of five timed rounds after a warm-up round; asynchronous work is awaited. */
async function timeUs(work, iterations) {
  const rounds = [];
  const awaited = work() instanceof Promise;
  for (let r = 0; r < 6; r++) {
    const started = performance.now();
    if (awaited) for (let i = 0; i < iterations; i++) await work();
    else for (let i = 0; i < iterations; i++) work();
    if (r) rounds.push(((performance.now() - started) * 1000) / iterations);
  }
  return percentile(rounds, 50);
}

// ---------------------------------------------------------------------------------------------
// Loading the fakes, and the report.

/**
 * libs/testing is not part of the build (tsconfig.build.json leaves it out), so its fakes are
 * loaded from their sources with jiti, with the tsconfig path aliases.
 */
function loadTesting() {
  const { createJiti } = require('jiti');
  const { paths } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions;
  const alias = {};
  for (const [key, [target]] of Object.entries(paths)) {
    if (key.endsWith('/*')) alias[key.slice(0, -2)] = path.join(ROOT, target.slice(0, -2));
  }
  for (const [key, [target]] of Object.entries(paths)) if (!key.endsWith('/*')) alias[key] ??= path.join(ROOT, target);
  const jiti = createJiti(__filename, { alias, fsCache: false });
  const load = (file) => jiti(path.join(ROOT, 'libs/testing/src', file));
  return {
    ...load('channel-contract/platforms/telegram.contract.ts'),
    ...load('channel-contract/platforms/dingtalk.contract.ts'),
    ...load('channel-contract/platforms/feishu.contract.ts'),
    ...load('channel-contract/platforms/wecom.contract.ts'),
    ...load('channel-contract/platforms/whatsapp.contract.ts'),
    ...load('channel-contract/platforms/generic-webhook.contract.ts'),
    ...load('fake-whatsapp/fake-whatsapp.server.ts'),
    ...load('fake-generic-webhook/fake-generic-webhook.server.ts'),
    ...load('channel-contract/platforms/slack.contract.ts'),
    ...load('fake-slack/fake-slack.server.ts'),
    ...load('fake-slack/fake-slack.events.ts'),
    ...load('channel-contract/platforms/discord.contract.ts'),
    ...load('fake-dingtalk/fake-dingtalk.payloads.ts'),
    ...load('fake-feishu/fake-feishu.events.ts'),
    isRefusal: require(`${DIST}/libs/channels/src/feishu/feishu.webhook`).isRefusal,
  };
}

/** The middle value, or the mean of the middle two (so that two runs give their mean). */
function median(values) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function report(results, verification, options, host) {
  const rows = [];
  const baseline = median(results.filter((r) => r.name === BASELINE && !r.error).map((r) => r.repliesPerS));
  for (const name of options.platforms) {
    const runs = results.filter((r) => r.name === name && !r.error);
    const failed = results.filter((r) => r.name === name && r.error).length;
    const throughput = median(runs.map((r) => r.repliesPerS));
    const ratio = throughput / baseline;
    rows.push([
      name,
      runs.length ? round(throughput) : '—',
      runs.map((r) => r.repliesPerS).join(' / ') || '—',
      Number.isFinite(ratio) ? `${Math.round(ratio * 100)} %` : '—',
      Number.isFinite(ratio) ? (ratio >= TARGET_RATIO ? 'yes' : 'NO') : '—',
      runs.length ? round(median(runs.map((r) => r.p50Ms))) : '—',
      runs.length ? round(median(runs.map((r) => r.p99Ms))) : '—',
      runs.length ? round(median(runs.map((r) => r.rssMb))) : '—',
      runs.length ? round(median(runs.map((r) => r.gatewayCores))) : '—',
      runs.length ? round(median(runs.map((r) => r.gatewayCpuMsPerReply))) : '—',
      runs.reduce((sum, r) => sum + r.unreplied, failed),
    ]);
  }
  process.stdout.write(
    `\nChannels at saturation: ${options.inflight} in flight, ${options.seconds} s after ${options.warmup} warm-up messages, embedded store, LLM_PROVIDER=echo, QUEUE_CONCURRENCY=${options.queue}; medians of ${options.runs} run(s), order alternating\n`,
  );
  process.stdout.write(`load average before ${host.loadBefore.join(' ')}, after ${host.loadAfter.join(' ')}\n`);
  printTable(['platform / mode', 'replies/s', 'runs', 'vs Telegram', `≥ ${TARGET_RATIO * 100} %`, 'p50 ms', 'p99 ms', 'RSS MB', 'gateway cores', 'CPU ms/reply', 'unreplied'], rows);
  process.stdout.write(`\nWebhook authentication per request (${options.verifyIterations} calls × 5 rounds, median)\n`);
  printTable(
    ['check', 'valid µs', 'forged µs'],
    verification.map((entry) => [entry.name, entry.validUs, entry.forgedUs]),
  );
  for (const result of results.filter((r) => r.profile)) {
    process.stdout.write(`\nGateway CPU profile, ${result.name} run ${result.run}: ${result.profile.sampledMs ?? 0} ms sampled (${result.profile.file ?? result.profile.error})\n`);
    if (result.profile.packages) printTable(['package', 'ms', '%'], result.profile.packages.map((entry) => [entry.name, entry.ms, entry.percent]));
  }
  process.stdout.write(`\n${describeHost(host.after)} (after)\n`);
  printJson({ bench: 'channels', options, host, verification, results });
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
