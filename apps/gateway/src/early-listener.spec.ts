import { afterEach, describe, expect, it } from 'vitest';
import { EarlyListener } from './early-listener';

describe('EarlyListener', () => {
  const listener = new EarlyListener();
  afterEach(() => listener.close());

  it('answers liveness while the application starts, refuses the rest, then hands over', async () => {
    const url = await listener.listen(0, '127.0.0.1');

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', starting: true });
    const webhook = await fetch(`${url}/webhooks/telegram`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${url}/ready`)).status).toBe(503);

    listener.handOver((_req, res) => res.writeHead(204).end());
    expect((await fetch(`${url}/ready`)).status).toBe(204);
  });
});
