import { TextUnit, prefixWithin, textSize } from '@switchboard/core';

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

/**
 * Splits a reply into messages of at most `limit` characters (or UTF-8 bytes), preferring
 * paragraph breaks, then line breaks, then spaces. A cut never falls inside a code fence without
 * closing the fence in that part and reopening it (with its language) in the next, so every part
 * renders on its own.
 */
export function chunkText(text: string, limit: number, unit: TextUnit = 'chars'): string[] {
  if (limit < 20) throw new Error('chunk limit too small');
  const parts: string[] = [];
  let rest = text.trim();
  let reopen = '';
  while (rest.length > 0) {
    const budget = limit - textSize(reopen, unit);
    if (textSize(reopen + rest, unit) <= limit) {
      parts.push(reopen + rest);
      break;
    }
    // Leave room to close a fence that is open at the cut.
    const cut = findCut(rest, prefixWithin(rest, budget - 4, unit));
    let part = reopen + rest.slice(0, cut).trimEnd();
    const open = openFenceAt(part);
    if (open) part = `${part}\n${open.marker}`;
    parts.push(part);
    rest = rest.slice(cut).replace(/^\s*\n/, '').trimStart();
    reopen = open ? `${open.marker}${open.info}\n` : '';
  }
  return parts.length ? parts : [''];
}

function findCut(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    // A break in the first third would make tiny parts; keep looking for a later kind of break.
    if (at > max / 3) return at;
  }
  return max;
}

/** The fence left open at the end of `text`, if any. */
function openFenceAt(text: string): { marker: string; info: string } | undefined {
  let open: { marker: string; info: string } | undefined;
  for (const line of text.split('\n')) {
    const match = FENCE.exec(line);
    if (!match) continue;
    if (!open) open = { marker: match[1], info: match[2].trim() };
    else if (match[1][0] === open.marker[0] && match[1].length >= open.marker.length && !match[2].trim()) open = undefined;
  }
  return open;
}
