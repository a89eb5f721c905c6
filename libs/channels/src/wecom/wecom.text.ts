/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes (WeCom counts its limits in bytes),
 * never inside a character: at the last line break, else the last space, in the second half of a
 * part's budget; else at the last whole character that fits.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new Error('a part must hold at least one character (4 bytes)');
  const parts: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
    const fits = longestPrefixWithin(rest, maxBytes);
    const cut = breakWithin(rest.slice(0, fits)) ?? fits;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Length (UTF-16 units) of the longest prefix of whole code points within `maxBytes`. */
function longestPrefixWithin(text: string, maxBytes: number): number {
  let bytes = 0;
  let units = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    units += char.length;
  }
  return units;
}

function breakWithin(window: string): number | undefined {
  for (const separator of ['\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at > window.length / 2) return at;
  }
  return undefined;
}
