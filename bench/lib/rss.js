const fs = require('node:fs');

/**
 * Resident memory of a process in MB, from /proc/<pid>/status (Linux): VmRSS now and VmHWM, the
 * peak since the process started. The kernel's figures, so child processes can be measured too.
 */
function memoryOf(pid = 'self') {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

module.exports = { memoryOf };
