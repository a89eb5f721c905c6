// How fast this machine is right now, measured before a benchmark so that figures taken on a
// shared host can be compared across runs and days. The same build's pipeline figures moved 2×
// between sessions while a plain CPU loop ran as fast as ever; the allocation-heavy JSON workload
// and the wake-up round trip between two processes are closer to what a gateway does.
const { fork } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const { percentile, round } = require('./stats');

const LOOP_ITERATIONS = 100_000_000;
const JSON_ROUNDS = 200_000;
const ROUND_TRIPS = 1_000;
const ROUND_TRIP_GAP_MS = 1;
const ECHO_ROLE = '--host-check-echo';

const SAMPLE_UPDATE = JSON.stringify({
  update_id: 1,
  message: { message_id: 2, from: { id: 3, is_bot: false, first_name: 'Bench' }, chat: { id: 3, type: 'private' }, date: 1, text: 'Bench message, please answer.' },
});

/** { cpuLoopMs, jsonMs, roundTripUs: { p50, p99 }, cpuPressurePct } — lower is a faster, quieter host. */
async function checkHost() {
  const cpuPressurePct = cpuPressure();
  return { cpuLoopMs: timeMs(cpuLoop), jsonMs: timeMs(jsonWork), roundTripUs: await roundTrips(), cpuPressurePct };
}

function describeHost(host) {
  const pressure = host.cpuPressurePct === null ? '' : `, CPU pressure (last 10 s) ${host.cpuPressurePct} %`;
  return `host: CPU loop ${host.cpuLoopMs} ms, JSON ${host.jsonMs} ms, process round trip p50/p99 ${host.roundTripUs.p50}/${host.roundTripUs.p99} µs${pressure}`;
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

/** Loopback TCP round trips to a child process, one every ROUND_TRIP_GAP_MS, so each wakes it from idle. */
async function roundTrips() {
  const child = fork(__filename, [ECHO_ROLE], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the echo process exited with ${code}`)));
    });
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

/** /proc/pressure/cpu "some avg10": the share of the last 10 s in which something waited for a core (Linux). */
function cpuPressure() {
  try {
    const match = /^some avg10=([\d.]+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

if (process.argv.includes(ECHO_ROLE)) {
  const server = net.createServer((socket) => socket.on('data', (data) => socket.write(data)));
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => process.exit(0));
}

module.exports = { checkHost, describeHost };
