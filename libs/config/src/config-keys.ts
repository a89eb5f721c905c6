import { z } from 'zod';
import { ConfigKeyMeta, configSchema } from './config.schema';

/** One leaf of the configuration: where it sits in the YAML file and which variable sets it. */
export interface ConfigKey extends ConfigKeyMeta {
  path: string[];
  schema: z.ZodType;
}

function collect(schema: z.ZodType, path: string[], out: ConfigKey[]): void {
  const meta = schema.meta() as ConfigKeyMeta | undefined;
  if (meta?.env) {
    out.push({ ...meta, path, schema });
    return;
  }
  const inner = unwrapObject(schema);
  if (!inner) throw new Error(`config schema: ${path.join('.')} has neither an env name nor children`);
  for (const [name, child] of Object.entries(inner.shape)) collect(child as z.ZodType, [...path, name], out);
}

function unwrapObject(schema: z.ZodType): z.ZodObject | undefined {
  let current: z.ZodType = schema;
  // .prefault({}) and .optional() wrap the object, and a block's .transform() pipes it on; look through them.
  while (!(current instanceof z.ZodObject)) {
    const def = current.def as { innerType?: z.ZodType; in?: z.ZodType };
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    current = inner;
  }
  return current;
}

export const configKeys: readonly ConfigKey[] = (() => {
  const out: ConfigKey[] = [];
  collect(configSchema, [], out);
  return out;
})();

export function findConfigKey(path: readonly PropertyKey[]): ConfigKey | undefined {
  const dotted = path.map(String).join('.');
  return configKeys.find((k) => k.path.join('.') === dotted);
}
