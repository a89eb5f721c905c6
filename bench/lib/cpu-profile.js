// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and per package,
// optionally only for the samples taken between two instants of the monotonic clock.
const fs = require('node:fs');

// Where the event loop enters JavaScript: not what a stack is about.
const EVENT_LOOP_ENTRIES = new Set(['processTicksAndRejections', 'runMicrotasks', 'callbackTrampoline', 'listOnTimeout', 'processTimers', 'processImmediate']);

/** The monotonic clock V8 stamps its samples with, in µs (the same clock in every process). */
function monotonicUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Self time in ms by function, and by package: the package of the function itself, or for Node's
 * and V8's own functions (a socket write, a JSON.parse) the nearest package up the stack that
 * called them. `fromUs`/`toUs` (monotonicUs() values) keep the samples of a window only.
 * Async code is attributed where it runs: a continuation after an `await` has no caller above it.
 */
function summarizeProfile(file, { fromUs = -Infinity, toUs = Infinity } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const selfUs = new Map();
  let at = profile.startTime;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < fromUs || at > toUs) continue;
    // A sample stands for the time until the next one.
    const span = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + span);
    totalUs += span;
  }

  // When no package is up the stack (e.g. an HTTP request flushed from process.nextTick), the
  // Node module that the event loop called into.
  const packages = new Map();
  const packageOf = (id) => {
    if (packages.has(id)) return packages.get(id);
    let outermostNode;
    let found;
    for (let frame = id; frame !== undefined && !found; frame = parents.get(frame)) {
      const { url, functionName } = nodes.get(frame).callFrame;
      const origin = originOf(url, functionName);
      if (origin.startsWith('node:')) {
        if (!EVENT_LOOP_ENTRIES.has(functionName)) outermostNode = origin;
      } else if (origin !== '(v8/native)') found = origin;
    }
    const result = found ?? outermostNode ?? originOf(nodes.get(id).callFrame.url, nodes.get(id).callFrame.functionName);
    packages.set(id, result);
    return result;
  };

  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const name = `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`.trim();
    add(byFunction, name, us, originOf(url, functionName));
    add(byPackage, packageOf(id), us);
  }
  const sorted = (map) =>
    [...map.values()]
      .sort((a, b) => b.us - a.us)
      .map(({ name, us, origin }) => ({ name, origin, ms: us / 1000, share: totalUs ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, functions: sorted(byFunction), packages: sorted(byPackage) };
}

function add(map, name, us, origin) {
  const entry = map.get(name) ?? { name, origin, us: 0 };
  entry.us += us;
  map.set(name, entry);
}

/** Where a function comes from: a package (node_modules), `lib:<name>`/`app:<name>` (dist), `node:<module>`, or V8. */
function originOf(url, functionName) {
  if (!url) return ['(idle)', '(program)', '(garbage collector)'].includes(functionName) ? functionName : '(v8/native)';
  const index = url.lastIndexOf('node_modules/');
  if (index !== -1) {
    const parts = url.slice(index + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const project = /\/dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (project) return `${project[1] === 'libs' ? 'lib' : 'app'}:${project[2]}`;
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    if (parts[0] !== 'internal') return `node:${parts[0]}`;
    // Libraries bundled with Node (undici behind fetch, acorn, ...).
    return parts[1] === 'deps' ? `node:deps/${parts[2]}` : `node:${parts[1] ?? 'internal'}`;
  }
  if (url.startsWith('wasm://')) return 'wasm';
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const index = url.lastIndexOf('node_modules/');
  if (index !== -1) return url.slice(index + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist !== -1 ? url.slice(dist + 1) : url.replace(/^file:\/\//, '');
}

module.exports = { monotonicUs, summarizeProfile };
