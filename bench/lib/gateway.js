// The built gateway as a child process, started the way `npm start` runs it (as in
// bench/startup.bench.js), with only the environment it is given.
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { DIST, ROOT } = require('./services');
const { sleep, withTimeout } = require('./time');

const GATEWAY_MAIN = path.join(DIST, 'apps/gateway/src/main.js');
const POLL_MS = 50;
const START_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 30_000;

/**
 * Starts the gateway on a free loopback port and resolves once GET /ready answers 200.
 * `nodeArgs` go before the script (e.g. --cpu-prof). `stop()` sends SIGTERM, waits for the exit
 * (SIGKILL after EXIT_TIMEOUT_MS) and resolves with the exit code.
 */
async function startGateway(env, { nodeArgs = [] } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, GATEWAY_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep the last lines only: a warning per message under load would otherwise fill the memory.
  const keep = (chunk) => (output = (output + chunk).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const gateway = {
    child,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      try {
        return await withTimeout(exited, EXIT_TIMEOUT_MS, 'the gateway exit after SIGTERM');
      } catch (error) {
        child.kill('SIGKILL');
        await exited;
        throw error;
      }
    },
  };
  try {
    await waitForReady(gateway);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return gateway;
}

async function waitForReady(gateway) {
  const started = performance.now();
  while (performance.now() - started < START_TIMEOUT_MS) {
    if (gateway.child.exitCode !== null) throw new Error(`the gateway exited with code ${gateway.child.exitCode}:\n${gateway.output()}`);
    if ((await status(gateway.port, '/ready')) === 200) return;
    await sleep(POLL_MS);
  }
  throw new Error(`the gateway was not ready within ${START_TIMEOUT_MS} ms:\n${gateway.output()}`);
}

/** The HTTP status of a GET on 127.0.0.1, or 0 when nothing answers (not listening yet). */
function status(port, urlPath) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** A port that was free a moment ago (the OS picks it); the gateway binds it right after. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = { startGateway, status, freePort };
