import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeLlmRequest } from '@switchboard/testing';
import type { GatewayProcess } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';
import { waitForQuiescence } from './support/quiescence';
import { ALICE, TelegramHarness } from './support/telegram-harness';

const harness = new TelegramHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

// A Redis database of its own (the agent tools tests): other tests' gateways never take these jobs.
const redisUrl = () => {
  const url = new URL(REDIS_URL);
  url.pathname = '/6';
  return url.toString();
};

/** What the model was given as tool results in a request (OpenAI role "tool" messages). */
const toolResults = (request: FakeLlmRequest) =>
  (request.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'tool').map((m) => m.content);

async function say(gateway: GatewayProcess, text: string): Promise<void> {
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
}

const APPROVAL = /🔐 Tool session_info wants to run with \{\}: \/approve ([0-9a-f]{8}) or \/deny \1/;

describe.each([
  ['embedded (PGlite, in-process queue)', false],
  ['PostgreSQL + BullMQ', true],
])('agent tools on Telegram: %s', (_name, production) => {
  // Each test's gateway stops after it: one left running would take the next test's jobs from Redis.
  const cleanups: (() => Promise<unknown>)[] = [];
  async function environment(extra: Record<string, string>): Promise<Record<string, string>> {
    const env = harness.env({ AGENT_TOOLS: 'current_time,session_info', TELEGRAM_ADMIN_USERS: String(ALICE.id), ...extra });
    if (production) {
      const db = await createTestDatabase();
      cleanups.push(db.drop);
      Object.assign(env, { DATABASE_URL: db.url, REDIS_URL: redisUrl() });
    }
    return env;
  }
  async function start(env: Record<string, string>): Promise<GatewayProcess> {
    const gateway = await harness.gateway(env);
    cleanups.unshift(() => gateway.stop());
    return gateway;
  }
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** Asks for session_info (which waits for approval) and returns the id the question names. */
  async function askForApproval(gateway: GatewayProcess): Promise<string> {
    harness.llm.enqueue({ text: 'Let me look.', toolCalls: [{ name: 'session_info', arguments: {} }] }, { text: 'This chat is new.' });
    await say(gateway, 'What do you know about this chat?');
    const [question] = await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && APPROVAL.test(texts[0]));
    return APPROVAL.exec(question.text)![1];
  }

  it('runs the tool the model calls and answers with its result, showing the tool in the reply', async () => {
    const gateway = await start(await environment({}));
    harness.llm.enqueue({ toolCalls: [{ name: 'current_time', arguments: { timeZone: 'Europe/Berlin' } }] }, { text: 'It is late in Berlin.' });

    await say(gateway, 'What time is it in Berlin?');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0] === '🔧 current_time\nIt is late in Berlin.');
    await waitForQuiescence(gateway.url);

    expect(harness.llm.requests).toHaveLength(2);
    expect((harness.llm.requests[0].body as { tools: { function: { name: string } }[] }).tools.map((tool) => tool.function.name)).toEqual(['current_time', 'session_info']);
    expect(JSON.parse(toolResults(harness.llm.requests[1])[0])).toMatchObject({ timeZone: 'Europe/Berlin', iso: expect.any(String) });
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(1);
  });

  it('waits for /approve across a restart of the gateway, then runs the tool and answers once', async () => {
    const env = await environment({ AGENT_TOOLS_REQUIRING_APPROVAL: 'session_info' });
    const first = await start(env);
    const id = await askForApproval(first);
    expect(harness.llm.requests).toHaveLength(1);
    await first.stop();

    const second = await start(env);
    await say(second, `/approve ${id}`);
    const texts = (await harness.waitForMessages(ALICE.id, (t) => t.length === 3 && t[2].endsWith('This chat is new.'))).map((m) => m.text);
    await waitForQuiescence(second.url);

    expect(texts.slice(1)).toEqual(['✅ Approved: session_info runs now.', 'Let me look.\n🔧 session_info\n\nThis chat is new.']);
    expect(harness.llm.requests).toHaveLength(2);
    expect(JSON.parse(toolResults(harness.llm.requests[1])[0])).toMatchObject({ messageCount: expect.any(Number), model: 'openai-compatible:fake-model' });
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(3);
  });

  it('after /deny the model is told and answers without the tool', async () => {
    const gateway = await start(await environment({ AGENT_TOOLS_REQUIRING_APPROVAL: 'session_info' }));
    await askForApproval(gateway);
    await say(gateway, '/deny');
    await harness.waitForMessages(ALICE.id, (t) => t.length === 3 && t[2].endsWith('This chat is new.'));
    expect(harness.telegram.messagesIn(ALICE.id)[1].text).toBe('⛔ Denied: session_info does not run.');
    expect(toolResults(harness.llm.requests[1])).toEqual([expect.stringMatching(/denied this call; it did not run/)]);
  });

  it('an unanswered call expires, and the model is told it did not run', async () => {
    const gateway = await start(await environment({ AGENT_TOOLS_REQUIRING_APPROVAL: 'session_info', AGENT_TOOL_APPROVAL_TTL: '2' }));
    await askForApproval(gateway);
    await harness.waitForMessages(ALICE.id, (t) => t.length === 2 && t[1].endsWith('This chat is new.'));
    expect(toolResults(harness.llm.requests[1])).toEqual(['Nobody approved this call in time; it did not run.']);
  });

  it('refuses /approve to a user who may not approve, and the call keeps waiting', async () => {
    const gateway = await start(await environment({ AGENT_TOOLS_REQUIRING_APPROVAL: 'session_info', TELEGRAM_ADMIN_USERS: '424242' }));
    await askForApproval(gateway);
    await say(gateway, '/approve');
    await harness.waitForMessages(ALICE.id, (t) => t.length === 2);
    await waitForQuiescence(gateway.url);
    expect(harness.telegram.messagesIn(ALICE.id)[1].text).toBe('You are not allowed to run /approve.');
    expect(harness.llm.requests).toHaveLength(1);
  });
});
