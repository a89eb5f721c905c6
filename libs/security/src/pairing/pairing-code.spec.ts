import { describe, expect, it } from 'vitest';
import { PAIRING_CODE_ALPHABET, generatePairingCode, normalizePairingCode } from './pairing-code';

describe('pairing codes', () => {
  it('are 8 characters from the unambiguous alphabet, without 0, O, 1 or I', () => {
    expect(PAIRING_CODE_ALPHABET).toHaveLength(32);
    expect(PAIRING_CODE_ALPHABET).not.toMatch(/[01OI]/);
    for (let i = 0; i < 200; i++) expect(generatePairingCode()).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
  });

  it('use every character of the alphabet and rarely repeat', () => {
    const codes = Array.from({ length: 2_000 }, generatePairingCode);
    const seen = new Set(codes.join(''));
    expect([...seen].sort().join('')).toBe([...PAIRING_CODE_ALPHABET].sort().join(''));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('accept operator input in any case, with spaces or dashes', () => {
    expect(normalizePairingCode(' abcd-2345 ')).toBe('ABCD2345');
    expect(normalizePairingCode('AbCd 2345')).toBe('ABCD2345');
  });

  it('reject input that cannot be a code', () => {
    expect(normalizePairingCode('ABCD234')).toBeUndefined();
    expect(normalizePairingCode('ABCD23456')).toBeUndefined();
    // 0 and O are not in the alphabet.
    expect(normalizePairingCode('ABCD2340')).toBeUndefined();
    expect(normalizePairingCode('ABCDO345')).toBeUndefined();
  });
});
