import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configKeys, findConfigKey } from './config-keys';
import { ConfigError } from './config.error';
import { SwitchboardConfig, configSchema } from './config.schema';

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Variables layered over that environment (e.g. a service's environment file). */
  envOverlay?: Record<string, string>;
  /** YAML file; defaults to $SWITCHBOARD_CONFIG. */
  configFile?: string;
  /** Values from CLI flags, keyed by environment variable name (they win over everything). */
  overrides?: Record<string, string | number | boolean | undefined>;
}

type Tree = Record<string, unknown>;

/**
 * Reads the YAML file (if any), then environment variables, then CLI overrides — later wins — and
 * validates the result once. Throws ConfigError naming every bad key.
 */
export function loadConfig(options: LoadConfigOptions = {}): SwitchboardConfig {
  const env = { ...(options.env ?? process.env), ...options.envOverlay };
  const file = options.configFile ?? nonEmpty(env.SWITCHBOARD_CONFIG);
  const raw: Tree = file ? readConfigFile(file, env) : {};

  for (const key of configKeys) {
    const fromEnv = nonEmpty(env[key.env]);
    if (fromEnv !== undefined) setPath(raw, key.path, fromEnv);
  }
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    const key = configKeys.find((k) => k.env === name);
    if (!key) throw new Error(`unknown config override ${name}`);
    setPath(raw, key.path, value);
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue, file)));
  return result.data;
}

function readConfigFile(file: string, env: NodeJS.ProcessEnv): Tree {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`config file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`config file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`config file ${file} must be a mapping of keys (see README, Configuration)`]);
  }
  return interpolate(parsed as Tree, env, path.basename(file), []) as Tree;
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces ${VAR} and ${VAR:-default} in string values with environment variables. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, file: string, at: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
      const found = nonEmpty(env[name]) ?? fallback;
      if (found === undefined) {
        throw new ConfigError([`${at.join('.')} in ${file} uses \${${name}}, which is not set`]);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, file, [...at, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, file, [...at, k])]),
    );
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, file: string | undefined): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((name) => {
      const dotted = [...issue.path, name].join('.');
      return `unknown key ${dotted}${file ? ` in ${file}` : ''}`;
    });
  }
  const key = findConfigKey(issue.path);
  const name = key ? `${key.env} (${key.path.join('.')})` : issue.path.join('.');
  return [`${name}: ${issue.message}`];
}

function setPath(tree: Tree, keyPath: string[], value: unknown): void {
  let node = tree;
  for (const part of keyPath.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Tree;
  }
  node[keyPath[keyPath.length - 1]] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
