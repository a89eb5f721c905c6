import Ajv, { ErrorObject } from 'ajv';
import { Static, TSchema } from '@sinclair/typebox';

// One Ajv instance for the process; each schema is compiled once (at module load or when a method
// is registered), never per frame.
const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, strict: true });

// Standard alphabet, padded. A plain character class: a grouped pattern would overflow the regexp
// stack on megabytes of content.
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;
ajv.addFormat('base64', { type: 'string', validate: (text: string) => text.length % 4 === 0 && BASE64_CHARACTERS.test(text) });

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };
export type Validator<T> = (value: unknown) => Validation<T>;

export function compileSchema<S extends TSchema>(schema: S): Validator<Static<S>> {
  const validate = ajv.compile<Static<S>>(schema);
  return (value) => (validate(value) ? { ok: true, value } : { ok: false, message: describe(validate.errors ?? []) });
}

function describe(errors: ErrorObject[]): string {
  const [error] = errors;
  if (!error) return 'invalid value';
  const at = error.instancePath || '(root)';
  if (error.keyword === 'additionalProperties') {
    return `${at}: unexpected property "${String(error.params.additionalProperty)}"`;
  }
  if (error.keyword === 'const') {
    // A union of literals fails once per literal: name them all.
    const choices = errors.filter((other) => other.keyword === 'const' && other.instancePath === error.instancePath);
    return `${at}: must be ${choices.map((choice) => JSON.stringify(choice.params.allowedValue)).join(' or ')}`;
  }
  return `${at}: ${error.message ?? 'invalid value'}`;
}
