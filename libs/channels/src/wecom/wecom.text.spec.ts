import { describe, expect, it } from 'vitest';
import { splitUtf8 } from './wecom.text';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('splitUtf8', () => {
  it('keeps a text that fits whole', () => {
    expect(splitUtf8('短い', 2048)).toEqual(['短い']);
  });

  it('cuts between characters, never inside one', () => {
    const parts = splitUtf8('é'.repeat(5) + '😀', 7);
    expect(parts).toEqual(['ééé', 'éé', '😀']);
    for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(7);
  });

  it('prefers a line break, then a space, in the second half of a part', () => {
    expect(splitUtf8('alpha beta\ngamma delta', 16)).toEqual(['alpha beta', 'gamma delta']);
    expect(splitUtf8('alpha beta gamma', 12)).toEqual(['alpha beta', 'gamma']);
  });
});
