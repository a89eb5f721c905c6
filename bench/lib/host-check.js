// How fast this machine is right now, measured before a benchmark so that figures taken on a
// shared host can be compared across runs and days. The same build's pipeline figures moved 2×
// between sessions while a plain CPU loop ran as fast as ever; the allocation-heavy JSON workload
// and the wake-up round trips between two processes (on one CPU, on two) are closer to what a
// gateway does.
const { fork } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const { percentile, round } = require('./stats');

const LOOP_ITERATIONS = 100_000_000;
const JSON_ROUNDS = 200_000;
const ROUND_TRIPS = 1_000;
const ROUND_TRIP_GAP_MS = 1;
const ECHO_ROLE = '--host-check-echo';
const PING_ROLE = '--host-check-ping';
const TASKSET = '/usr/bin/taskset';

const SAMPLE_UPDATE = JSON.stringify({
  update_id: 1,
  message: { message_id: 2, from: { id: 3, is_bot: false, first_name: 'Bench' }, chat: { id: 3, type: 'private' }, date: 1, text: 'Bench message, please answer.' },
});

/**
 * { cpuLoopMs, jsonMs, roundTripUs, sameCpuRoundTripUs, otherCpuRoundTripUs, cpuPressurePct }
 * (round trips as { p50, p99 }) — lower is a faster, quieter host.
 */
async function checkHost() {
  const cpuPressurePct = cpuPressure();
  return {
    cpuLoopMs: timeMs(cpuLoop),
    jsonMs: timeMs(jsonWork),
    roundTripUs: await roundTrips(),
    sameCpuRoundTripUs: await pinnedRoundTrips(0),
    otherCpuRoundTripUs: await pinnedRoundTrips(1),
    cpuPressurePct,
  };
}

function describeHost(host) {
  const pressure = host.cpuPressurePct === null ? '' : `, CPU pressure (last 10 s) ${host.cpuPressurePct} %`;
  const pinned = host.otherCpuRoundTripUs
    ? ` (pinned to one CPU ${describeTrips(host.sameCpuRoundTripUs)}, to two ${describeTrips(host.otherCpuRoundTripUs)})`
    : '';
  return `host: CPU loop ${host.cpuLoopMs} ms, JSON ${host.jsonMs} ms, process round trip p50/p99 ${describeTrips(host.roundTripUs)} µs${pinned}${pressure}`;
}

function describeTrips(trips) {
  return `${trips.p50}/${trips.p99}`;
}

function timeMs(work) {
  const started = performance.now();
  work();
  return Math.round(performance.now() - started);
}

function cpuLoop() {
  let x = 0;
  for (let i = 0; i < LOOP_ITERATIONS; i++) x = (x + i * 7) % 1_000_003;
  return x;
}

function jsonWork() {
  const kept = [];
  for (let i = 0; i < JSON_ROUNDS; i++) {
    const update = JSON.parse(SAMPLE_UPDATE);
    update.update_id = i;
    kept.push(JSON.stringify(update));
    // Some survive a scavenge or two, as a gateway's in-flight messages do.
    if (kept.length > 10_000) kept.length = 0;
  }
}

/**
 * Loopback TCP round trips to a child process, one every ROUND_TRIP_GAP_MS, so each wakes it from
 * idle. `echoCpu` pins the child to a CPU (taskset).
 */
async function roundTrips(echoCpu) {
  const child = forkRole(ECHO_ROLE, echoCpu);
  try {
    const port = await reply(child);
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const times = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const started = performance.now();
      socket.write('x');
      await new Promise((resolve) => socket.once('data', resolve));
      times.push((performance.now() - started) * 1000);
      await new Promise((resolve) => setTimeout(resolve, ROUND_TRIP_GAP_MS));
    }
    socket.destroy();
    return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
  } finally {
    child.kill();
  }
}

/**
 * Round trips between two processes pinned to CPUs 0 and `echoCpu`: on a VM, waking a process on
 * the other, idle vCPU can cost far more than on the same one, and every message crosses
 * processes about ten times. Null where taskset or a second CPU is missing.
 */
async function pinnedRoundTrips(echoCpu) {
  if (!fs.existsSync(TASKSET) || os.cpus().length < 2) return null;
  const pinger = forkRole(PING_ROLE, 0, [String(echoCpu)]);
  try {
    return await reply(pinger);
  } finally {
    pinger.kill();
  }
}

function forkRole(role, cpu, args = []) {
  const pinned = cpu === undefined ? {} : { execPath: TASKSET, execArgv: ['-c', String(cpu), process.execPath] };
  return fork(__filename, [role, ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...pinned });
}

function reply(child) {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the host check's child process exited with ${code}`)));
  });
}

/** /proc/pressure/cpu "some avg10": the share of the last 10 s in which something waited for a core (Linux). */
function cpuPressure() {
  try {
    const match = /^some avg10=([\d.]+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

if (process.argv[2] === PING_ROLE) {
  roundTrips(Number(process.argv[3])).then((result) => process.send(result));
  process.on('disconnect', () => process.exit(0));
}
if (process.argv[2] === ECHO_ROLE) {
  const server = net.createServer((socket) => socket.on('data', (data) => socket.write(data)));
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => process.exit(0));
}

module.exports = { checkHost, describeHost };
