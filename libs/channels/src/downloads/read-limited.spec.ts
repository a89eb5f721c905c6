import { describe, expect, it } from 'vitest';
import { readLimited } from './read-limited';

function streamed(parts: string[], headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
  return new Response(body, { headers });
}

describe('readLimited', () => {
  it('returns the whole body when it fits', async () => {
    expect((await readLimited(streamed(['abc', 'def']), 6))?.toString()).toBe('abcdef');
  });

  it('gives up once the body grows past the limit, even without a Content-Length', async () => {
    expect(await readLimited(streamed(['abc', 'def']), 5)).toBeUndefined();
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    expect(await readLimited(streamed(['abc'], { 'content-length': '1000' }), 10)).toBeUndefined();
  });
});
