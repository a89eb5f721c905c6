import { z } from 'zod';
import { configKeys } from './config-keys';

/** The configuration reference as a Markdown table, generated from the schema (used in README). */
export function configReferenceMarkdown(): string {
  const rows = configKeys.map((key) => {
    const defaultValue = defaultOf(key.schema);
    // A map shows as JSON ({} rather than [object Object]).
    const shown = defaultValue === undefined ? '' : `\`${typeof defaultValue === 'object' && !Array.isArray(defaultValue) ? JSON.stringify(defaultValue) : String(defaultValue)}\``;
    const secret = key.secret ? ' (secret)' : '';
    return `| \`${key.env}\` | \`${key.path.join('.')}\` | ${shown} | ${key.description}${secret} |`;
  });
  return ['| Variable | YAML key | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function defaultOf(schema: z.ZodType): unknown {
  const def = schema.def as { type: string; defaultValue?: unknown };
  return def.type === 'default' ? def.defaultValue : undefined;
}
