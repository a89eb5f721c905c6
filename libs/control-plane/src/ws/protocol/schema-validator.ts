import Ajv, { ErrorObject } from 'ajv';
import { Static, TSchema } from '@sinclair/typebox';

// One Ajv instance for the process; each schema is compiled once (at module load or when a method
// is registered), never per frame.
const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, strict: true });

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };
export type Validator<T> = (value: unknown) => Validation<T>;

export function compileSchema<S extends TSchema>(schema: S): Validator<Static<S>> {
  const validate = ajv.compile<Static<S>>(schema);
  return (value) => (validate(value) ? { ok: true, value } : { ok: false, message: describe(validate.errors?.[0]) });
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'invalid value';
  const at = error.instancePath || '(root)';
  if (error.keyword === 'additionalProperties') {
    return `${at}: unexpected property "${String(error.params.additionalProperty)}"`;
  }
  return `${at}: ${error.message ?? 'invalid value'}`;
}
