// Command-line flags beyond args.js: comma-separated lists and switches.

function flagText(argv, name) {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  return argv[index].includes('=') ? argv[index].slice(argv[index].indexOf('=') + 1) : argv[index + 1];
}

/** Reads `--name a,b` or `--name=a,b`; every item must be one of `allowed` (when given). */
function listFlag(argv, name, fallback, allowed, separator = ',') {
  const text = flagText(argv, name);
  if (text === undefined) return fallback;
  const items = text.split(separator).map((item) => item.trim()).filter(Boolean);
  const unknown = allowed ? items.filter((item) => !allowed.includes(item)) : [];
  if (!items.length || unknown.length) throw new Error(`${name} expects a comma-separated list of ${allowed?.join(', ') ?? 'values'}, got ${text}`);
  return items;
}

/** Reads `--name 8,32` as positive whole numbers. */
function intListFlag(argv, name, fallback) {
  const items = listFlag(argv, name, undefined);
  if (items === undefined) return fallback;
  const values = items.map(Number);
  if (values.some((value) => !Number.isInteger(value) || value < 1)) throw new Error(`${name} expects positive whole numbers, got ${items.join(',')}`);
  return values;
}

/** Reads `--name N` as a whole number from 0 up (args.js's intFlag wants 1 or more). */
function wholeFlag(argv, name, fallback) {
  const text = flagText(argv, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} expects a whole number, got ${text}`);
  return value;
}

/** Reads `--name VALUE` as text; `fallback` when absent. */
function stringFlag(argv, name, fallback) {
  return flagText(argv, name) ?? fallback;
}

/** True when the switch `--name` is present. */
function hasFlag(argv, name) {
  return argv.includes(name);
}

module.exports = { listFlag, intListFlag, wholeFlag, hasFlag, stringFlag };
