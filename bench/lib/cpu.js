// CPU time of processes, from /proc (Linux): the kernel's count, so it covers child processes and
// the local PostgreSQL and Redis servers as well as this process.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

let ticksPerSecond;

function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time of one process in ms; 0 once it has exited. */
function cpuMsOf(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name (field 2) may contain spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/** A process and its children (the gateway and its worker processes). */
function processTree(pid) {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return [pid, ...(children ? children.split(' ').map(Number) : [])];
  } catch {
    return [pid];
  }
}

/** User + system CPU time of a process and its children, in ms. */
function treeCpuMsOf(pid) {
  return processTree(pid).reduce((sum, one) => sum + cpuMsOf(one), 0);
}

/** Pids whose command name (/proc/<pid>/comm) starts with one of `names`. */
function pidsNamed(names) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.some((name) => comm.startsWith(name))) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/**
 * A snapshot of the CPU time of every process named `names`, taken now; `since(snapshot)` is the
 * CPU time those processes (and any started since with that name) used in between. Processes that
 * exited in between are not counted after they exit.
 */
function cpuSnapshot(names) {
  const before = new Map(pidsNamed(names).map((pid) => [pid, cpuMsOf(pid)]));
  return {
    elapsedMs() {
      let total = 0;
      for (const pid of pidsNamed(names)) total += cpuMsOf(pid) - (before.get(pid) ?? 0);
      return total;
    },
  };
}

module.exports = { cpuMsOf, cpuSnapshot, processTree, treeCpuMsOf };
