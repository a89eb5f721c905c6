/** Reads `--name N` or `--name=N` as a positive whole number; `fallback` when absent. */
function intFlag(argv, name, fallback) {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return fallback;
  const text = argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a positive whole number, got ${text}`);
  return value;
}

module.exports = { intFlag };
