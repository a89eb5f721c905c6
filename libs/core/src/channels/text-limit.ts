/** What a platform's text limit counts: UTF-16 characters (most) or UTF-8 bytes (some). */
export type TextUnit = 'chars' | 'bytes';

/** The size of `text` in `unit`. */
export function textSize(text: string, unit: TextUnit = 'chars'): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** How many leading UTF-16 code units of `text` fit in `budget` of `unit`, never cutting a character in two bytes-wise. */
export function prefixWithin(text: string, budget: number, unit: TextUnit = 'chars'): number {
  if (unit === 'chars') return Math.max(0, Math.min(text.length, budget));
  let bytes = 0;
  let length = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > budget) break;
    length += character.length;
  }
  return length;
}
