import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from './support/gateway-process';
import { ALICE, TelegramHarness } from './support/telegram-harness';

/**
 * An authentic Telegram update that can never be stored is acked and dropped: answered with an
 * error, Telegram would deliver it again for ever.
 */
const harness = new TelegramHarness();
let gateway: GatewayProcess;
beforeAll(async () => {
  await harness.start();
  gateway = GatewayProcess.spawn(harness.env());
  // A first embedded start (creating the database) can be slow on a loaded machine.
  await gateway.waitForUrl(120_000);
});
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await harness.stop();
});

describe('a poison Telegram update', () => {
  it('is acked with 200, counted invalid and dropped, and the next message is answered', async () => {
    const poison = harness.telegram.build.privateText('from yesterday', { from: ALICE }) as unknown as { message: Record<string, unknown> };
    poison.message.date = 'yesterday';

    expect(await harness.post(gateway, JSON.stringify(poison))).toBe(200);
    expect(await harness.post(gateway, JSON.stringify(poison))).toBe(200);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_messages_in_total\{platform="telegram",outcome="invalid"\} 2/);

    harness.llm.enqueue({ text: 'Still here.' });
    expect(await harness.post(gateway, harness.telegram.build.privateText('hello', { from: ALICE }))).toBe(200);
    const messages = await harness.waitForMessages(ALICE.id, (texts) => texts.includes('Still here.'));
    expect(messages.map((message) => message.text)).toEqual(['Still here.']);
  });
});
