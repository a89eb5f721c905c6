import { configKeys } from './config-keys';
import { SwitchboardConfig } from './config.schema';

const MASK = '********';

/** A copy of the configuration with every secret replaced by a mask, safe to log or display. */
export function redactConfig(config: SwitchboardConfig): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const key of configKeys) {
    if (!key.secret) continue;
    let node: Record<string, unknown> | undefined = copy;
    for (const part of key.path.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
    const leaf = key.path[key.path.length - 1];
    if (node && node[leaf] !== undefined) node[leaf] = MASK;
  }
  return copy;
}

/** Hides the password of a connection URL (postgres://user:pw@host → postgres://user:********@host). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    return parsed.toString();
  } catch {
    return MASK;
  }
}
