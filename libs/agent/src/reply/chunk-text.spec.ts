import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text';

const fences = (part: string) => part.split('\n').filter((line) => /^\s*```/.test(line)).length;

describe('chunkText', () => {
  it('keeps a short reply whole', () => {
    expect(chunkText('hello there', 100)).toEqual(['hello there']);
  });

  it('splits at paragraph breaks before line breaks and spaces', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(60)}`;
    expect(chunkText(text, 100)).toEqual(['a'.repeat(60), 'b'.repeat(60)]);
  });

  it('never returns a part over the limit, even for one long word', () => {
    const parts = chunkText('x'.repeat(250), 100);
    expect(parts.every((part) => part.length <= 100)).toBe(true);
    expect(parts.join('')).toBe('x'.repeat(250));
  });

  it('closes and reopens a code fence cut in two, keeping its language', () => {
    const code = Array.from({ length: 30 }, (_, i) => `console.log(${i});`).join('\n');
    const text = `Here is code:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`;
    const parts = chunkText(text, 200);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(200);
      expect(fences(part) % 2).toBe(0);
    }
    expect(parts[1].startsWith('```ts\n')).toBe(true);
    const rejoined = parts.join('\n').replace(/\n```\n```ts\n/g, '\n');
    for (let i = 0; i < 30; i++) expect(rejoined).toContain(`console.log(${i});`);
  });

  it('counts UTF-8 bytes where the limit is bytes, never cutting a character', () => {
    const text = Array.from({ length: 40 }, (_, i) => `汉字文本${i}`).join(' ');
    const parts = chunkText(text, 100, 'bytes');
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(100);
    expect(parts.join(' ')).toBe(text);
    // By characters the whole text fits in one part of 400.
    expect(chunkText(text, 400)).toEqual([text]);
  });

  it('splits a word longer than a byte limit between characters', () => {
    const parts = chunkText('é'.repeat(100), 21, 'bytes');
    expect(parts.every((part) => Buffer.byteLength(part, 'utf8') <= 21)).toBe(true);
    expect(parts.join('')).toBe('é'.repeat(100));
  });

  it('splits a long text in lines without losing any line', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} of the answer`);
    const parts = chunkText(lines.join('\n'), 4096 / 16);
    expect(parts.join('\n').split('\n')).toEqual(lines);
  });
});
