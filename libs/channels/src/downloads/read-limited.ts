/**
 * The bytes of a response body, or `undefined` as soon as more than `maxBytes` arrived (the rest is
 * cancelled, never buffered). A `Content-Length` over the limit is refused before reading.
 */
export async function readLimited(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes || !response.body) {
    await response.body?.cancel();
    return declared > maxBytes ? undefined : Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop early cancels the rest of the body.
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) return undefined;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
