/** Reads `--name N` or `--name=N` as a positive whole number; `fallback` when absent. */
function intFlag(argv, name, fallback) {
  const text = flagText(argv, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a positive whole number, got ${text}`);
  return value;
}

/** Reads `--name value` or `--name=value`, one of `choices`; `fallback` when absent. */
function choiceFlag(argv, name, choices, fallback) {
  const text = flagText(argv, name);
  if (text === undefined) return fallback;
  if (!choices.includes(text)) throw new Error(`${name} expects one of ${choices.join(', ')}, got ${text}`);
  return text;
}

function flagText(argv, name) {
  const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  return argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
}

module.exports = { choiceFlag, intFlag };
