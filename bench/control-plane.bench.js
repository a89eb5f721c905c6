// Control-plane benchmark: the built gateway on 127.0.0.1 (echo model) under WebSocket
// handshakes, `health` round trips, idle authenticated connections, and /v1/chat/completions.
// Every loop is bounded in count and in time.
//   npm run bench:control-plane [-- --seconds N --clients N --idle 1000,10000 --cpu-prof
//                                   --store embedded|postgres]
// --store postgres: a new database on the local PostgreSQL and BullMQ on Redis database 12
// (production mode) instead of an embedded PGlite data dir.
const { execFileSync } = require('node:child_process');
const { createHash, generateKeyPairSync, sign } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { WebSocket } = require('ws');
const { intFlag } = require('./lib/args');
const { cpuMsOf } = require('./lib/cpu');
const { monotonicUs, summarizeProfile } = require('./lib/cpu-profile');
const { hasFlag, intListFlag } = require('./lib/flags');
const { startGateway } = require('./lib/gateway');
const { memoryOf } = require('./lib/rss');
const { createDatabase, migrate, printJson, REDIS_URL, ROOT } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');
const { sleep, withTimeout } = require('./lib/time');

const CLI = path.join(ROOT, 'bin/switchboard.js');
const TOKEN = 'bench-control-plane-token-5d1e7a';
const REQUEST_TIMEOUT_MS = 5_000;
// Stays under the per-IP cap of unauthenticated sockets (32): a batch is authenticated before the next.
const IDLE_BATCH = 25;
const IDLE_SETTLE_MS = 4_000;
// A loop never runs more than this many operations, whatever the speed.
const MAX_OPERATIONS = 2_000_000;
// Concurrent handshakes come from this many loopback addresses, so that no address has more
// unauthenticated sockets in flight than the per-IP cap (32) allows.
const SOURCE_ADDRESSES = 2;
const PROFILE_TOP = 10;
const WARM_UP_SECONDS = 2;

// OpenClaw 2026.9.6 on the same machine, measured once by hand; printed for scale.
const TARGETS = {
  handshakes: { target: '≥ 2,000/s', openclaw: '210/s', met: (value) => value >= 2_000 },
  health50: { target: '≥ 20,000/s', openclaw: '2,400/s', met: (value) => value >= 20_000 },
  health1: { target: '—', openclaw: '1,100/s', met: () => undefined },
  idleKb: { target: '≤ 10 KB', openclaw: '30–60 KB', met: (value) => value <= 10 },
  completions: { target: '≥ 1,000/s', openclaw: '4.7/s', met: (value) => value >= 1_000 },
};

async function main() {
  const seconds = intFlag(process.argv, '--seconds', 10);
  const handshakeSeconds = intFlag(process.argv, '--handshake-seconds', Math.max(1, Math.round(seconds / 2)));
  const clients = intFlag(process.argv, '--clients', 50);
  const idleCounts = intListFlag(process.argv, '--idle', [1_000, 10_000]);
  const completionClients = intListFlag(process.argv, '--completion-clients', [1, 10, clients]);
  const cpuProf = hasFlag(process.argv, '--cpu-prof');
  const store = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : 'embedded';
  if (!['embedded', 'postgres'].includes(store)) throw new Error('--store: expected embedded or postgres');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-cp-'));
  const database = store === 'postgres' ? await createDatabase() : undefined;
  const env = {
    SWITCHBOARD_DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url, REDIS_URL: `${REDIS_URL}/12` } : {}),
    GATEWAY_TOKEN: TOKEN,
    LLM_PROVIDER: 'echo',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_HOUR: '0',
  };
  const results = {};
  const profileDir = path.join(dataDir, 'profiles');
  try {
    migrate(env);
    // Before the gateway starts: the CLI opens the embedded database itself.
    const apiKey = execFileSync(process.execPath, [CLI, 'apikeys', 'create', '--name', 'bench'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    }).trim();

    const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    let gateway = await startGateway(env, { nodeArgs });
    try {
      const url = `ws://127.0.0.1:${gateway.port}/`;
      const devices = Array.from({ length: clients }, createDevice);
      // Pair every device once (loopback auto-pairing), so the loops measure reconnects.
      await Promise.all(devices.map((device, worker) => handshake(url, { device, worker })));
      // Unmeasured: both processes' hot code compiled, so the first loop is not a start-up figure.
      log(`warm-up: signed handshakes, ${clients} concurrent, ${WARM_UP_SECONDS} s`);
      await runLoop(gateway.pid, clients, WARM_UP_SECONDS, (worker) => handshake(url, { device: devices[worker], worker }));

      log(`signed handshakes, sequential, ${handshakeSeconds} s`);
      results.signedSequential = await runLoop(gateway.pid, 1, handshakeSeconds, (worker) => handshake(url, { device: devices[worker], worker }));
      log(`signed handshakes, ${clients} concurrent, ${handshakeSeconds} s`);
      results.signedConcurrent = await runLoop(gateway.pid, clients, handshakeSeconds, (worker) => handshake(url, { device: devices[worker], worker }));
      log(`token-only handshakes, sequential, ${handshakeSeconds} s`);
      results.tokenSequential = await runLoop(gateway.pid, 1, handshakeSeconds, () => handshake(url, {}));
      log(`token-only handshakes, ${clients} concurrent, ${handshakeSeconds} s`);
      results.tokenConcurrent = await runLoop(gateway.pid, clients, handshakeSeconds, (worker) => handshake(url, { worker }));

      for (const count of [1, clients]) {
        log(`health over ${count} connection(s), ${seconds} s`);
        const sockets = await openIdle(url, count);
        try {
          results[`health${count}`] = await runLoop(gateway.pid, count, seconds, (worker) => sockets[worker].request('health'));
        } finally {
          for (const socket of sockets) socket.reset();
        }
      }

      for (const count of completionClients) {
        log(`/v1/chat/completions, ${count} client(s), ${seconds} s`);
        const agent = new http.Agent({ keepAlive: true, maxSockets: count });
        try {
          results[`completions${count}`] = await runLoop(gateway.pid, count, seconds, (worker) => completion(gateway.port, apiKey, agent, worker));
        } finally {
          agent.destroy();
        }
      }
    } finally {
      await gateway.stop();
    }

    // A fresh gateway, so that the figures above do not weigh on its memory.
    gateway = await startGateway(env);
    try {
      results.idle = await idleMemory(gateway, idleCounts);
    } finally {
      await gateway.stop();
    }
    if (cpuProf) results.hotspots = hotspots(profileDir, results);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
  report(results, { seconds, handshakeSeconds, clients, store });
}

function log(text) {
  process.stderr.write(`${text}\n`);
}

/** An Ed25519 device identity as OpenClaw clients keep it. */
function createDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw key is the last 32 bytes of the SPKI DER encoding.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return { id: createHash('sha256').update(raw).digest('hex'), publicKey: raw.toString('base64url'), privateKey };
}

function connectParams(nonce, device) {
  const params = {
    minProtocol: 3,
    maxProtocol: 4,
    client: { id: 'switchboard-bench', version: '1.0.0', platform: 'linux', mode: 'test' },
    role: 'operator',
    scopes: ['operator.read', 'operator.write'],
    caps: [],
    commands: [],
    permissions: {},
    auth: { token: TOKEN },
  };
  if (!device) return params;
  const signedAt = Date.now();
  const { client, role, scopes } = params;
  const payload = ['v2', device.id, client.id, client.mode, role, scopes.join(','), String(signedAt), TOKEN, nonce].join('|');
  const signature = sign(null, Buffer.from(payload, 'utf8'), device.privateKey).toString('base64url');
  return { ...params, device: { id: device.id, publicKey: device.publicKey, signature, signedAt, nonce } };
}

/** A raw `ws` client of the control plane: one pending request at a time per id. */
class BenchSocket {
  constructor(ws, tcp) {
    this.ws = ws;
    this.tcp = tcp;
    this.nextId = 0;
    this.pending = new Map();
    this.challenge = new Promise((resolve, reject) => {
      this.onChallenge = resolve;
      ws.on('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code} before the challenge`)));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'event' && frame.event === 'connect.challenge') this.onChallenge(frame.payload.nonce);
      else if (frame.type === 'res') {
        const waiter = this.pending.get(frame.id);
        if (!waiter) return;
        this.pending.delete(frame.id);
        if (frame.ok) waiter.resolve(frame.payload);
        else waiter.reject(new Error(`${frame.error?.code}: ${frame.error?.message}`));
      }
    });
    ws.on('close', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`closed ${code}`));
      this.pending.clear();
    });
  }

  static open(url, worker = 0) {
    const localAddress = `127.0.0.${1 + (worker % SOURCE_ADDRESSES)}`;
    let tcp;
    // As ws connects, keeping the socket for reset(). `path` is the URL's here, not a socket path.
    const createConnection = (options) => (tcp = net.connect({ ...options, path: undefined }));
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress, createConnection });
    return new BenchSocket(ws, tcp);
  }

  /**
   * Drops the connection with a TCP reset. A client that closes keeps the connection's port in
   * TIME_WAIT for a minute, and with bound source addresses finding a free port gets slower as
   * they pile up: after some 20,000 handshakes the bench spent 2–3 ms of its own CPU per connect
   * and measured itself rather than the gateway.
   */
  reset() {
    this.tcp.resetAndDestroy();
  }

  request(method, params) {
    const id = String(++this.nextId);
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.ws.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
    return withTimeout(answer, REQUEST_TIMEOUT_MS, `${method}`);
  }

  async connect(device) {
    const nonce = await withTimeout(this.challenge, REQUEST_TIMEOUT_MS, 'the challenge');
    const hello = await this.request('connect', connectParams(nonce, device));
    if (hello?.type !== 'hello-ok') throw new Error(`connect answered ${JSON.stringify(hello)}`);
    return hello;
  }
}

/** One full handshake (open → challenge → connect → hello-ok), then the socket is closed. */
async function handshake(url, { device, worker }) {
  const socket = BenchSocket.open(url, worker);
  try {
    await socket.connect(device);
  } finally {
    socket.reset();
  }
}

/** Opens `count` authenticated token-only connections, IDLE_BATCH at a time. */
async function openIdle(url, count, sockets = []) {
  while (sockets.length < count) {
    const batch = Array.from({ length: Math.min(IDLE_BATCH, count - sockets.length) }, () => BenchSocket.open(url));
    await Promise.all(batch.map((socket) => socket.connect()));
    sockets.push(...batch);
  }
  return sockets;
}

// Each client is its own API user, so its own conversation: one conversation runs one turn at a
// time (like a chat), and N clients in one conversation would measure that, not the gateway.
const bodyFor = (worker) => JSON.stringify({ model: 'echo', user: `bench-${worker}`, messages: [{ role: 'user', content: 'Hello, bench.' }] });

function completion(port, apiKey, agent, worker) {
  const body = bodyFor(worker);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          else resolve();
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('completion timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * `workers` closed loops of `operation(worker)` for `seconds` (and at most MAX_OPERATIONS in all).
 * The rate is the median of the whole seconds; latency percentiles are over every operation. The
 * CPU time per operation of the gateway and of this process tells which of the two bounds the
 * rate when they share the machine's cores.
 */
async function runLoop(gatewayPid, workers, seconds, operation) {
  const latencies = [];
  const perSecond = new Array(seconds).fill(0);
  let errors = 0;
  let firstError;
  const fromUs = monotonicUs();
  const gatewayCpuMs = cpuMsOf(gatewayPid);
  const benchCpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  const worker = async (index) => {
    while (performance.now() < deadline && latencies.length + errors < MAX_OPERATIONS) {
      const at = performance.now();
      try {
        await operation(index);
        const done = performance.now();
        latencies.push(done - at);
        const second = Math.floor((done - started) / 1_000);
        if (second < seconds) perSecond[second]++;
      } catch (error) {
        errors++;
        firstError ??= error.message;
        // Let a failing gateway breathe rather than spin.
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
  const elapsedS = (performance.now() - started) / 1_000;
  const window = { fromUs, toUs: monotonicUs() };
  const operations = Math.max(1, latencies.length);
  const benchCpuUs = process.cpuUsage(benchCpu);
  if (firstError) log(`  ${errors} errors, first: ${firstError}`);
  return {
    workers,
    count: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    perSecond: percentile(perSecond, 50),
    overall: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    gatewayCpuUsPerOp: ((cpuMsOf(gatewayPid) - gatewayCpuMs) * 1_000) / operations,
    benchCpuUsPerOp: (benchCpuUs.user + benchCpuUs.system) / operations,
    window,
  };
}

/** The gateway's top functions and packages by self time during the loops furthest from target. */
function hotspots(profileDir, results) {
  const file = fs.readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const worstCompletions = Object.keys(results).filter((key) => /^completions\d+$/.test(key)).at(-1);
  const summaries = {};
  for (const key of ['signedConcurrent', worstCompletions].filter(Boolean)) {
    const summary = summarizeProfile(path.join(profileDir, file), results[key].window);
    const top = (list) => list.slice(0, PROFILE_TOP).map(({ name, ms, share }) => ({ name, ms: round(ms), share: round(share * 100) }));
    summaries[key] = { totalMs: round(summary.totalMs), functions: top(summary.functions), packages: top(summary.packages) };
  }
  return summaries;
}

/** RSS before and after opening idle authenticated connections, up to each of `counts`. */
async function idleMemory(gateway, counts) {
  const url = `ws://127.0.0.1:${gateway.port}/`;
  // One batch opened and closed first, so the baseline already holds what the first connection loads.
  const warmUp = await openIdle(url, IDLE_BATCH * 4);
  for (const socket of warmUp) socket.reset();
  await sleep(IDLE_SETTLE_MS * 2);
  const baseKb = memoryOf(gateway.pid).rssMb * 1024;
  const steps = [];
  const sockets = [];
  try {
    for (const count of [...counts].sort((a, b) => a - b)) {
      log(`idle connections: opening up to ${count}`);
      try {
        await withTimeout(openIdle(url, count, sockets), 300_000, `opening ${count} connections`);
      } catch (error) {
        log(`  stopped at ${sockets.length}: ${error.message}`);
        steps.push({ target: count, reached: sockets.length, error: error.message });
        break;
      }
      await sleep(IDLE_SETTLE_MS);
      const open = sockets.filter((socket) => socket.ws.readyState === WebSocket.OPEN).length;
      const rssKb = memoryOf(gateway.pid).rssMb * 1024;
      steps.push({ target: count, reached: open, rssMb: rssKb / 1024, perConnectionKb: (rssKb - baseKb) / open });
    }
  } finally {
    for (const socket of sockets) socket.reset();
  }
  return { baseRssMb: baseKb / 1024, steps };
}

function report(results, { seconds, handshakeSeconds, clients, store }) {
  const verdict = (key, value) => {
    const met = TARGETS[key].met(value);
    return met === undefined ? '' : met ? 'met' : 'MISSED';
  };
  const rateRow = (label, key, figure) => [
    label,
    round(figure.perSecond),
    round(figure.p50Ms),
    round(figure.p99Ms),
    round(figure.gatewayCpuUsPerOp),
    round(figure.benchCpuUsPerOp),
    figure.errors,
    TARGETS[key]?.target ?? '—',
    TARGETS[key]?.openclaw ?? '—',
    TARGETS[key] ? verdict(key, figure.perSecond) : '',
  ];
  process.stdout.write(
    `\nControl plane on 127.0.0.1, ${store} store (handshakes ${handshakeSeconds} s, other loops ${seconds} s; rate = median of whole seconds)\n\n`,
  );
  const rows = [
    rateRow('signed handshakes/s, sequential', 'none', results.signedSequential),
    rateRow(`signed handshakes/s, ${clients} concurrent`, 'handshakes', results.signedConcurrent),
    rateRow('token handshakes/s, sequential', 'none', results.tokenSequential),
    rateRow(`token handshakes/s, ${clients} concurrent`, 'none', results.tokenConcurrent),
    rateRow('health/s, 1 connection', 'health1', results.health1),
    rateRow(`health/s, ${clients} connections`, 'health50', results[`health${clients}`]),
  ];
  for (const key of Object.keys(results).filter((name) => /^completions\d+$/.test(name))) {
    rows.push(rateRow(`completions/s, ${results[key].workers} client(s)`, 'completions', results[key]));
  }
  printTable(['figure', 'rate/s', 'p50 ms', 'p99 ms', 'gateway CPU µs/op', 'bench CPU µs/op', 'errors', 'target', 'OpenClaw', ''], rows);

  process.stdout.write(`\nIdle authenticated connections (RSS before: ${round(results.idle.baseRssMb)} MB)\n\n`);
  printTable(
    ['connections asked', 'reached', 'RSS MB', 'KB per connection', 'target', 'OpenClaw', ''],
    results.idle.steps.map((step) => [
      step.target,
      step.reached,
      step.rssMb === undefined ? '—' : round(step.rssMb),
      step.perConnectionKb === undefined ? '—' : round(step.perConnectionKb),
      TARGETS.idleKb.target,
      TARGETS.idleKb.openclaw,
      step.perConnectionKb === undefined ? (step.error ?? '') : verdict('idleKb', step.perConnectionKb),
    ]),
  );
  for (const [key, summary] of Object.entries(results.hotspots ?? {})) {
    process.stdout.write(`\nGateway CPU during ${key} (${summary.totalMs} ms sampled), by self time\n\n`);
    printTable(['function', 'ms', '%'], summary.functions.map((entry) => [entry.name, entry.ms, entry.share]));
    process.stdout.write('\n');
    printTable(['package', 'ms', '%'], summary.packages.map((entry) => [entry.name, entry.ms, entry.share]));
  }
  process.stdout.write('\n');
  const rounded = JSON.parse(JSON.stringify(results, (key, value) => (key === 'window' ? undefined : typeof value === 'number' ? round(value) : value)));
  printJson('control-plane', { store, seconds, handshakeSeconds, clients, results: rounded });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
