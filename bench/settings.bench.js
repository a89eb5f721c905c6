// Runtime settings benchmark: two built gateways on one new PostgreSQL database and a Redis
// database of their own. An owner changes WEBHOOK_IP_DENY on replica A through the admin API,
// alternately denying 127.0.0.1 and resetting it; the figures are how long the PATCH takes on A
// and how long after its answer replica B starts refusing (or accepting again) a webhook request.
//   node bench/settings.bench.js [-- --changes N]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { intFlag } = require('./lib/args');
const { createOwner, signIn } = require('./lib/admin-owner');
const { startGateway } = require('./lib/gateway');
const { createDatabase, migrate, printJson, REDIS_URL } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');

// A Redis database no test uses: the replicas' queues and buses stay apart from everything else.
const REDIS_DB = 15;
// Past this, a replica that has not applied a change counts as a failure (it never should).
const GIVE_UP_MS = 10_000;

/** The status B answers a webhook with: 403 while 127.0.0.1 is denied, else 404 (no channel configured). */
async function webhookStatus(url) {
  const response = await fetch(`${url}/webhooks/none`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await response.arrayBuffer();
  return response.status;
}

async function main() {
  const changes = intFlag(process.argv, '--changes', 40);
  const db = await createDatabase();
  const redis = new URL(REDIS_URL);
  redis.pathname = `/${REDIS_DB}`;
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.toString() };
  const gateways = [];
  try {
    migrate(env);
    await createOwner({ ...env, SWITCHBOARD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-cli-')) });
    for (const name of ['a', 'b']) {
      gateways.push(await startGateway({ ...env, SWITCHBOARD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `sb-bench-${name}-`)) }));
    }
    const [a, b] = gateways;
    const session = await signIn(a.url);
    const patchMs = [];
    const propagationMs = [];
    let failures = 0;
    for (let i = 0; i < changes; i += 1) {
      const deny = i % 2 === 0;
      const started = performance.now();
      const response = await fetch(`${a.url}/api/admin/security`, {
        method: 'PATCH',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ webhookIpDeny: deny ? ['127.0.0.1'] : null }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
      const answered = performance.now();
      patchMs.push(answered - started);
      const expected = deny ? 403 : 404;
      while ((await webhookStatus(b.url)) !== expected) {
        if (performance.now() - answered > GIVE_UP_MS) {
          failures += 1;
          break;
        }
      }
      propagationMs.push(performance.now() - answered);
    }
    const row = (label, values) => [label, round(percentile(values, 50)), round(percentile(values, 95)), round(Math.max(...values))];
    printTable(['ms', 'p50', 'p95', 'max'], [row('PATCH /security on A', patchMs), row('then in force on B', propagationMs)]);
    console.log(`${changes} changes, ${failures} not applied on B within ${GIVE_UP_MS} ms`);
    printJson('settings', { changes, failures, patchMs: { p50: percentile(patchMs, 50), p95: percentile(patchMs, 95) }, propagationMs: { p50: percentile(propagationMs, 50), p95: percentile(propagationMs, 95) } });
  } finally {
    for (const gateway of gateways) await gateway.stop().catch(() => undefined);
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
