import { describe, expect, it } from 'vitest';
import { collectEvents, textOf } from '../testing/stream-helpers';
import { EchoProvider } from './echo.provider';

describe('EchoProvider', () => {
  it('repeats the last user message exactly, in several deltas', async () => {
    const text = 'Hello  there,\nmy old friend ';
    const events = await collectEvents(
      new EchoProvider().stream({
        model: 'any',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: text },
        ],
      }),
    );

    expect(textOf(events)).toBe(text);
    expect(events.filter((event) => event.type === 'text').length).toBeGreaterThan(2);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 11, outputTokens: 5 },
      { type: 'done', stopReason: 'end' },
    ]);
  });

  it('repeats a note for each image, which it cannot see', async () => {
    const events = await collectEvents(
      new EchoProvider().stream({ model: 'any', messages: [{ role: 'user', content: 'Look', images: [{ mimeType: 'image/jpeg', dataBase64: '/9j/' }] }] }),
    );
    expect(textOf(events)).toBe('Look\n[image image/jpeg not shown: this model reads text only]');
  });

  it('answers an empty conversation with an empty reply', async () => {
    const events = await collectEvents(new EchoProvider().stream({ model: 'any', messages: [] }));
    expect(events.map((event) => event.type)).toEqual(['usage', 'done']);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const stream = new EchoProvider().stream({
      model: 'any',
      messages: [{ role: 'user', content: 'never said' }],
      signal: controller.signal,
    });

    await expect(collectEvents(stream)).rejects.toMatchObject({ code: 'TEMPORARY' });
  });
});
