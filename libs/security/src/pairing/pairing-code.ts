import { randomInt } from 'node:crypto';

// No 0/O or 1/I: codes are read off a phone screen and typed elsewhere.
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const PAIRING_CODE_LENGTH = 8;

const CODE_PATTERN = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

/** A fresh random code; randomInt draws each character without modulo bias. */
export function generatePairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/**
 * The code as typed by an operator, in canonical form: upper case, spaces and dashes dropped.
 * Undefined when it cannot be a pairing code at all.
 */
export function normalizePairingCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return CODE_PATTERN.test(code) ? code : undefined;
}
