// Admin API benchmark: the built gateway on a new PostgreSQL database seeded with 100,000
// allowlist entries, 1,000,000 audit events (a valid hash chain) and 100,000 sessions with one
// message each; each query for a bounded time with 1, then 20 concurrent signed-in clients.
//   node bench/admin.bench.js [-- --seconds N --clients 1,20 --allowlist N --audit N --sessions N]
//     --database NAME   keep the seeded database under this name and reuse it in later runs
//                       (migrated again each run; seeded only while empty)
//     --cpu-prof        profile the gateway (node --cpu-prof) and print where its CPU time went
//                       during the load, by package
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { intFlag } = require('./lib/args');
const { treeCpuMsOf } = require('./lib/cpu');
const { monotonicUs, summarizeProfile } = require('./lib/cpu-profile');
const { hasFlag, intListFlag, stringFlag } = require('./lib/flags');
const { createOwner, signIn } = require('./lib/admin-owner');
const { startGateway } = require('./lib/gateway');
const { createDatabase, keptDatabase, migrate, printJson, DIST } = require('./lib/services');
const { percentile, round } = require('./lib/stats');
const { printTable } = require('./lib/table');

const { auditHash, GENESIS_HASH } = require(path.join(DIST, 'libs/persistence/src/audit/audit-chain.js'));

const PLATFORMS = ['telegram', 'slack', 'discord'];
const ACTIONS = ['allowlist.add', 'allowlist.remove', 'pairing.approve', 'session.reset', 'auth.login'];
const BATCH = 50_000;
// A scenario never sends more requests than this, whatever the speed.
const MAX_REQUESTS = 1_000_000;

async function seed(url, counts) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`INSERT INTO "AllowlistEntry" (id, platform, "userId", note, "createdBy", "createdAt")
      SELECT gen_random_uuid(), (ARRAY['telegram','slack','discord'])[1 + i % 3], 'user' || i, 'note ' || i, 'bench', now() - i * interval '1 second'
      FROM generate_series(1, $1) AS i`, [counts.allowlist]);
    await db.query(`INSERT INTO "Session" (id, key, "agentId", platform, "chatType", "chatId", "updatedAt", "lastActivityAt")
      SELECT gen_random_uuid(), 'agent:main:' || p || ':dm:' || i, 'main', p, 'dm', 'chat' || i, now(), now() - i * interval '1 second'
      FROM generate_series(1, $1) AS i, LATERAL (SELECT (ARRAY['telegram','slack','discord'])[1 + i % 3] AS p) x`, [counts.sessions]);
    await db.query(`INSERT INTO "Message" (id, "sessionId", direction, role, platform, "senderId", text, "createdAt")
      SELECT gen_random_uuid(), s.id, 'inbound', 'user', s.platform, 'sender' || substr(s."chatId", 5), 'hello number ' || substr(s."chatId", 5), s."lastActivityAt"
      FROM "Session" s`);
    // The audit chain is computed here the way the gateway computes it (so `audit verify` holds),
    // then sent as column arrays: one statement per batch, unnested by the server.
    let prevHash = GENESIS_HASH;
    const start = Date.now() - counts.audit * 1000;
    for (let from = 1; from <= counts.audit; from += BATCH) {
      const columns = Array.from({ length: 8 }, () => []);
      for (let seq = from; seq < Math.min(from + BATCH, counts.audit + 1); seq += 1) {
        const content = {
          seq: BigInt(seq),
          actor: seq % 7 === 0 ? 'cli:root' : `console:op${seq % 20}@example.com`,
          operatorId: null,
          action: ACTIONS[seq % ACTIONS.length],
          targetType: 'allowlist',
          targetId: `telegram:user${seq % 100_000}`,
          before: null,
          after: { n: seq },
          ip: '127.0.0.1',
          userAgent: 'bench',
          createdAt: new Date(start + seq * 1000),
        };
        const hash = auditHash(prevHash, content);
        [String(seq), content.actor, content.action, content.targetId, JSON.stringify(content.after), content.createdAt.toISOString(), prevHash, hash].forEach((value, i) => columns[i].push(value));
        prevHash = hash;
      }
      await db.query(
        `INSERT INTO "AuditEvent" (seq, actor, action, "targetType", "targetId", after, ip, "userAgent", "createdAt", "prevHash", hash)
         SELECT seq, actor, action, 'allowlist', target, after::jsonb, '127.0.0.1', 'bench', at::timestamptz, prev, hash
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(seq, actor, action, target, after, at, prev, hash)`,
        columns,
      );
    }
    // Fresh statistics and visibility map, as a database that has been running a while has.
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
}

/**
 * `clients` loops, each sending the next request as soon as the previous answered, for `seconds`.
 * `next(state)` gives a request's path; `state` is the client's own, and `follow(state, body)`, when
 * given, reads each answer (to follow its cursor).
 */
async function load(url, cookie, clients, seconds, { next, follow }) {
  const latencies = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const state = {};
      while (Date.now() < until && sent < MAX_REQUESTS) {
        sent += 1;
        const started = process.hrtime.bigint();
        const response = await fetch(`${url}/api/admin${next(state)}`, { headers: { cookie } });
        const body = follow ? await response.json() : await response.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (response.status !== 200) errors += 1;
        else follow?.(state, body);
      }
    }),
  );
  return { requests: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/** Pages through a keyset-paged list from its first page, `pages` deep, then starts again. */
function walk(firstPage, pages) {
  return {
    next: (state) => (state.cursor ? `${state.path}&cursor=${state.cursor}` : (state.path = firstPage())),
    follow: (state, body) => {
      state.depth = state.cursor && body.nextCursor ? state.depth + 1 : 1;
      state.cursor = state.depth < pages ? body.nextCursor : null;
    },
  };
}

async function main() {
  const seconds = intFlag(process.argv, '--seconds', 10);
  const clientCounts = intListFlag(process.argv, '--clients', [1, 20]);
  const counts = {
    allowlist: intFlag(process.argv, '--allowlist', 100_000),
    audit: intFlag(process.argv, '--audit', 1_000_000),
    sessions: intFlag(process.argv, '--sessions', 100_000),
  };
  const kept = stringFlag(process.argv, '--database');
  const database = kept ? await keptDatabase(kept) : await createDatabase();
  const env = { DATABASE_URL: database.url, SWITCHBOARD_DATA_DIR: path.join(os.tmpdir(), `sb-bench-admin-${process.pid}`) };
  let gateway;
  try {
    migrate(env);
    if (await isEmpty(database.url)) {
      const seeding = Date.now();
      await seed(database.url, counts);
      process.stdout.write(`seeded ${JSON.stringify(counts)} in ${round((Date.now() - seeding) / 1000)} s\n`);
      await createOwner(env);
    } else {
      process.stdout.write(`reusing the seeded database ${kept}\n`);
      await analyze(database.url);
    }
    const profileDir = hasFlag(process.argv, '--cpu-prof') ? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-admin-prof-')) : undefined;
    gateway = await startGateway(env, { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    const { cookie } = await signIn(gateway.url);
    const random = (n) => Math.floor(Math.random() * n);
    const scenarios = [
      ['allowlist search (text, 50/page)', { next: () => `/allowlist?search=user${random(counts.allowlist)}&limit=50` }],
      ['allowlist pages (platform, cursor, 20 deep)', walk(() => `/allowlist?platform=${PLATFORMS[random(3)]}&limit=50`, 20)],
      ['audit page by action', { next: () => `/audit?action=${ACTIONS[random(ACTIONS.length)]}&limit=50` }],
      ['audit page by actor + cursor', { next: () => `/audit?actor=console:op${random(20)}@example.com&limit=50&cursor=${1 + random(counts.audit)}` }],
      ['session search by platform', { next: () => `/sessions?platform=${PLATFORMS[random(3)]}&limit=50` }],
      ['session pages (cursor, 20 deep)', walk(() => `/sessions?limit=50`, 20)],
      ['session search by text', { next: () => `/sessions?text=number ${random(counts.sessions)}&limit=50` }],
      ['session search by user id', { next: () => `/sessions?userId=sender${random(counts.sessions)}&limit=50` }],
    ];
    const rows = [];
    const results = {};
    const loadAverages = [];
    const loadStartedUs = monotonicUs();
    for (const clients of clientCounts) {
      for (const [name, scenario] of scenarios) {
        await load(gateway.url, cookie, clients, 1, scenario);
        const cpuBefore = treeCpuMsOf(gateway.pid);
        const measured = await load(gateway.url, cookie, clients, seconds, scenario);
        // CPU time is the figure a busy shared host distorts least.
        const r = { ...measured, gatewayCpuMsPerRequest: (treeCpuMsOf(gateway.pid) - cpuBefore) / measured.requests };
        const loadAverage = os.loadavg()[0];
        loadAverages.push(loadAverage);
        results[`${name} / ${clients}`] = { ...r, clients, loadAverage };
        rows.push([name, clients, r.requests, round(r.perSecond), round(r.p50), round(r.p99), round(r.gatewayCpuMsPerRequest), r.errors, round(loadAverage)]);
      }
    }
    printTable(['query', 'clients', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'gateway CPU ms/req', 'errors', 'load avg'], rows);
    printJson('admin', { seconds, counts, loadAverages, results });
    if (profileDir) {
      const loadEndedUs = monotonicUs();
      await gateway.stop();
      printProfile(profileDir, loadStartedUs, loadEndedUs);
    }
  } finally {
    await gateway?.stop().catch(() => undefined);
    if (!kept) await database.drop();
  }
}

/** The gateway's self time by package during the load (Node's own functions count for their caller). */
function printProfile(dir, fromUs, toUs) {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no profile');
  const summary = summarizeProfile(path.join(dir, file), { fromUs, toUs });
  process.stdout.write(`\nGateway CPU profile: ${round(summary.totalMs)} ms sampled during the load (${path.join(dir, file)})\n\n`);
  printTable(['package', 'ms', '%'], summary.packages.slice(0, 15).map((entry) => [entry.name, round(entry.ms), round(entry.share * 100)]));
}

/** Statistics for indexes a migration added since the seeding. */
async function analyze(url) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}

async function isEmpty(url) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT NOT EXISTS (SELECT 1 FROM "AuditEvent") AS empty');
    return rows[0].empty;
  } finally {
    await db.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
