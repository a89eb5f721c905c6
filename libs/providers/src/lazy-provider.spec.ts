import { describe, expect, it } from 'vitest';
import { EchoProvider } from './echo/echo.provider';
import { LazyLlmProvider } from './lazy-provider';
import type { LlmEvent } from './llm-provider';

describe('LazyLlmProvider', () => {
  it('loads its provider on first use, once, and passes streams and probes through', async () => {
    let loads = 0;
    const provider = new LazyLlmProvider('echo', async () => {
      loads += 1;
      return new EchoProvider();
    });
    expect(loads).toBe(0);

    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hello there' }] };
    const texts: string[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const events: LlmEvent[] = [];
      for await (const event of provider.stream(request)) events.push(event);
      texts.push(events.flatMap((event) => (event.type === 'text' ? [event.delta] : [])).join(''));
    }
    expect(texts).toEqual(['hello there', 'hello there']);
    await expect(provider.healthProbe()).resolves.toEqual({ network: 'none' });
    expect(loads).toBe(1);
  });

  it('fails the call, not the constructor, when its module cannot be loaded', async () => {
    const provider = new LazyLlmProvider('broken', () => Promise.reject(new Error('module missing')));
    await expect(provider.healthProbe()).rejects.toThrow('module missing');
  });
});
