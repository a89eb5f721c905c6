import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_MCP_SERVER, type FakeLlmRequest } from '@switchboard/testing';
import type { GatewayProcess } from './support/gateway-process';
import { waitForQuiescence } from './support/quiescence';
import { ALICE, TelegramHarness } from './support/telegram-harness';

/**
 * The model calls the tools of an MCP server (the fake one, over stdio) through the real gateway
 * on Telegram: the prefixed tool is offered to the model, a call needing approval waits for
 * /approve, and the server's answer reaches the model.
 */
const harness = new TelegramHarness();
let gateway: GatewayProcess;

const APPROVAL = /🔐 Tool fake__echo wants to run with \{"text":"hello from the chat"\}: \/approve ([0-9a-f]{8}) or \/deny \1/;
const toolResults = (request: FakeLlmRequest) =>
  (request.body as { messages: { role: string; content: string }[] }).messages.filter((m) => m.role === 'tool').map((m) => m.content);
const offeredTools = (request: FakeLlmRequest) => (request.body as { tools?: { function: { name: string } }[] }).tools?.map((tool) => tool.function.name) ?? [];

async function say(text: string): Promise<void> {
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: ALICE }))).toBe(200);
}

beforeAll(async () => {
  await harness.start();
  gateway = await harness.gateway(
    harness.env({
      TELEGRAM_ADMIN_USERS: String(ALICE.id),
      MCP_SERVERS: JSON.stringify({ fake: { command: process.execPath, args: [FAKE_MCP_SERVER], requiresApproval: ['echo'] } }),
    }),
  );
  // The server connects in the background after the start: its tools are offered once it is up.
  await vi.waitFor(
    async () => {
      const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as { details: Record<string, { state?: string }> };
      expect(ready.details['mcp:fake']?.state).toBe('up');
    },
    { timeout: 30_000, interval: 100 },
  );
});
afterAll(async () => {
  await gateway?.stop();
  await harness.stop();
});
beforeEach(() => {
  harness.telegram.clear();
  harness.llm.reset();
});

describe('MCP tools called by the model', () => {
  it('runs a tool that needs no approval and gives the model its result', async () => {
    harness.llm.enqueue({ toolCalls: [{ name: 'fake__fail', arguments: {} }] }, { text: 'The tool failed, sorry.' });

    await say('Try the failing tool.');
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && texts[0].endsWith('The tool failed, sorry.'));
    await waitForQuiescence(gateway.url);

    expect(offeredTools(harness.llm.requests[0])).toEqual(expect.arrayContaining(['fake__echo', 'fake__fail', 'fake__wait']));
    expect(toolResults(harness.llm.requests[1])).toEqual([expect.stringContaining('failed on purpose')]);
  });

  it('waits for /approve before calling a tool that needs approval, then answers once with its result', async () => {
    harness.llm.enqueue({ toolCalls: [{ name: 'fake__echo', arguments: { text: 'hello from the chat' } }] }, { text: 'The server said hello.' });

    await say('Echo something through the MCP server.');
    const [question] = await harness.waitForMessages(ALICE.id, (texts) => texts.length === 1 && APPROVAL.test(texts[0]));
    expect(harness.llm.requests).toHaveLength(1);

    await say(`/approve ${APPROVAL.exec(question.text)![1]}`);
    await harness.waitForMessages(ALICE.id, (texts) => texts.length === 3 && texts[2].endsWith('The server said hello.'));
    await waitForQuiescence(gateway.url);

    expect(harness.llm.requests).toHaveLength(2);
    expect(toolResults(harness.llm.requests[1])).toEqual(['hello from the chat']);
    expect(harness.telegram.messagesIn(ALICE.id)).toHaveLength(3);
  });
});
