// Summary statistics for benchmark samples.

/** Nearest-rank percentile: always one of the measured values, never an interpolation. */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(rank, 1) - 1];
}

function summarize(values) {
  return { min: Math.min(...values), median: percentile(values, 50), max: Math.max(...values) };
}

/** Rounds for display and for the JSON line: whole numbers from 100 up, otherwise one decimal. */
function round(value) {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}

module.exports = { percentile, summarize, round };
