import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '@switchboard/testing';
import { channelReadiness, until } from './support/gateway-probes';
import { ALICE, TelegramHarness, WEBHOOK_SECRET } from './support/telegram-harness';

// A second bot on its own fake Bot API: a reply sent with the other bot's token would be refused (401) there.
const SUPPORT_TOKEN = '7000000002:AASupportBotTokenForSwitchboard';
const SUPPORT_SECRET = 'support-webhook-secret-987654321';
const support = new FakeTelegramServer({ token: SUPPORT_TOKEN, bot: { id: 7000000002, first_name: 'Support', username: 'support_test_bot' } });
const harness = new TelegramHarness();

beforeAll(() => Promise.all([harness.start(), support.start()]));
afterAll(() => Promise.all([harness.stop(), support.stop()]));
beforeEach(() => {
  harness.telegram.clear();
  support.clear();
  harness.llm.reset();
});

const supportAccount = (settings: Record<string, string>) => JSON.stringify({ support: { botToken: SUPPORT_TOKEN, apiRoot: support.url, ...settings } });

async function postTo(url: string, body: unknown, secret: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

/** What the model was sent for each request: the roles and texts, system prompt left out. */
const conversations = () =>
  harness.llm.requests.map((request) => (request.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role !== 'system').map((m) => m.content));

describe('two Telegram bots in one gateway', () => {
  it('answers the webhook of each bot with that bot, in a conversation of its own, and 404s an account not configured', async () => {
    const gateway = await harness.gateway(harness.env({ TELEGRAM_ACCOUNTS: supportAccount({ mode: 'webhook', webhookSecret: SUPPORT_SECRET }) }));
    harness.llm.enqueue({ text: 'Noted: banana.' }, { text: 'I do not know your word.' });

    const toMain = harness.telegram.build.privateText('My word is banana.', { from: ALICE });
    expect(await postTo(`${gateway.url}/webhooks/telegram`, toMain, WEBHOOK_SECRET)).toBe(200);
    await harness.waitForMessages(ALICE.id, (texts) => texts[0] === 'Noted: banana.');

    const toSupport = support.build.privateText('What is my word?', { from: ALICE });
    // Each account checks its own secret.
    expect(await postTo(`${gateway.url}/webhooks/telegram/support`, toSupport, WEBHOOK_SECRET)).toBe(401);
    expect(await postTo(`${gateway.url}/webhooks/telegram/support`, toSupport, SUPPORT_SECRET)).toBe(200);
    await until(() => support.messagesIn(ALICE.id).length === 1, 'the support bot to answer', 20_000);

    expect(support.messagesIn(ALICE.id).map((m) => m.text)).toEqual(['I do not know your word.']);
    expect(harness.telegram.messagesIn(ALICE.id).map((m) => m.text)).toEqual(['Noted: banana.']);
    // The same user in a chat with each bot: two sessions, the second without the first's history.
    expect(conversations()).toEqual([['My word is banana.'], ['What is my word?']]);

    expect(await postTo(`${gateway.url}/webhooks/telegram/sales`, toSupport, SUPPORT_SECRET)).toBe(404);
  });

  it('polls a second bot beside a webhook bot, each under its own /ready probe', async () => {
    const gateway = await harness.gateway(harness.env({ TELEGRAM_ACCOUNTS: supportAccount({ mode: 'polling' }) }));
    await until(async () => (await channelReadiness(gateway, 'telegram:support')).channel.state === 'polling (lease held)', 'the support bot to poll', 20_000);
    expect((await channelReadiness(gateway, 'telegram')).channel.state).toBe('webhook');

    support.queueUpdate(support.build.privateText('Hello support', { from: ALICE }));
    await until(() => support.messagesIn(ALICE.id).length === 1, 'the support bot to answer', 20_000);
    expect(support.messagesIn(ALICE.id)[0].text).toBe('echo: Hello support');
    expect(harness.telegram.messagesIn(ALICE.id)).toEqual([]);
  });
});
