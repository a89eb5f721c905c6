import { DomainError, ErrorCode, type ChatTarget, type InboundMessage } from '@switchboard/core';
import { FAKE_DISCORD_BOT, FakeDiscordServer, deferred, recordingSink } from '@switchboard/testing';
import { GatewayIntentBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordAdapter } from './discord.adapter';

const GUILD = '700000000000000001';
const CHANNEL = '700000000000000002';
const THREAD = '700000000000000003';
const alice = { id: '200000000000000001', username: 'alice', globalName: 'Alice' };
const aliceDm = '400000000000000001';

const fake = new FakeDiscordServer({ guilds: [{ id: GUILD, name: 'HQ', channels: [{ id: CHANNEL, name: 'general' }], threads: [{ id: THREAD, name: 'deploys', parentId: CHANNEL }] }] });
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const adapters: DiscordAdapter[] = [];
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((adapter) => adapter.stop()));
  fake.clear();
});

function discord(options: Partial<ConstructorParameters<typeof DiscordAdapter>[0]> = {}): DiscordAdapter {
  const adapter = new DiscordAdapter({ botToken: fake.token, apiRoot: fake.apiRoot, ...options });
  adapters.push(adapter);
  return adapter;
}

async function receiving() {
  const { sink, received } = recordingSink();
  const adapter = discord();
  await adapter.start(sink);
  return { adapter, received };
}

async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 10_000, interval: 20 });
}

async function failureOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const target = (chatId: string, threadId?: string): ChatTarget => ({ platform: 'discord', accountId: 'default', chatId, threadId });

describe('DiscordAdapter receiving over the gateway', () => {
  it('identifies with the message intents and hands a direct message to the sink', async () => {
    const { received } = await receiving();
    await fake.dispatchMessage(fake.userMessage({ from: alice, channelId: aliceDm, content: 'Hello there' }));
    await until(() => received.length === 1);

    expect(received[0]).toMatchObject({ platform: 'discord', chatId: aliceDm, chatType: 'dm', text: 'Hello there', mentionsBot: true, sender: { id: alice.id, displayName: 'Alice' } });
    const intents = fake.gateway.lastIntents ?? 0;
    for (const intent of [GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent]) expect(intents & intent).toBe(intent);
  });

  it('reports itself healthy once connected, and not while the connection is down', async () => {
    const { adapter } = await receiving();
    await vi.waitFor(() => expect(adapter.healthProbe()).resolves.toMatchObject({ bot: FAKE_DISCORD_BOT.username }), { timeout: 10_000, interval: 50 });

    fake.gateway.drop();
    // discord.js waits 0.5 s before it resumes.
    await vi.waitFor(() => expect(adapter.healthProbe()).rejects.toMatchObject({ code: ErrorCode.TEMPORARY, message: expect.stringMatching(/^Discord gateway /) }), {
      timeout: 10_000,
      interval: 10,
    });
    await vi.waitFor(() => expect(adapter.healthProbe()).resolves.toMatchObject({ bot: FAKE_DISCORD_BOT.username }), { timeout: 10_000, interval: 50 });
  });

  it('maps a message in a thread to its parent channel, with the thread as threadId', async () => {
    const { received } = await receiving();
    const content = `<@${FAKE_DISCORD_BOT.id}> how did the deploy go?`;
    await fake.dispatchMessage(fake.userMessage({ from: alice, guildId: GUILD, channelId: THREAD, content, mentions: [FAKE_DISCORD_BOT] }));
    await until(() => received.length === 1);

    expect(received[0]).toMatchObject({ chatId: CHANNEL, threadId: THREAD, chatType: 'thread', mentionsBot: true, text: 'how did the deploy go?' });
  });

  it('resumes after the connection drops and receives what was sent meanwhile, once', async () => {
    const { received } = await receiving();
    const identifies = fake.gateway.identifyCount;
    const resumes = fake.gateway.resumeCount;

    fake.gateway.drop();
    const meanwhile = fake.userMessage({ from: alice, channelId: aliceDm, content: 'sent while away' });
    await fake.dispatchMessage(meanwhile);
    await until(() => received.length === 1);

    expect(fake.gateway.resumeCount).toBe(resumes + 1);
    expect(fake.gateway.identifyCount).toBe(identifies);
    expect(received.map((message: InboundMessage) => message.platformMessageId)).toEqual([meanwhile.id]);
  });

  it('stores what came before stop(), in order, before stop() resolves', async () => {
    const held = deferred();
    const { sink, received } = recordingSink(async (_message, call) => {
      if (call === 1) await held.promise;
      return 'accepted';
    });
    const adapter = discord();
    await adapter.start(sink);
    const first = fake.userMessage({ from: alice, channelId: aliceDm, content: 'first' });
    const second = fake.userMessage({ from: alice, channelId: aliceDm, content: 'second' });
    await fake.dispatchMessage(first);
    await fake.dispatchMessage(second);
    await until(() => received.length === 1);

    const stopped = adapter.stop();
    held.resolve();
    await stopped;

    expect(received.map((message) => message.platformMessageId)).toEqual([first.id, second.id]);
  });

  it('refuses to start with a token the gateway refuses, as AUTH_FAILED', async () => {
    const { sink } = recordingSink();
    const error = await failureOf(discord({ botToken: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.not-the-bot-token-0123456789' }).start(sink));
    expect(error.code).toBe(ErrorCode.AUTH_FAILED);
  });

  it('reports a connection the gateway closed for good (intents not enabled) to its runner', async () => {
    const { sink } = recordingSink();
    const connectionLost = vi.fn();
    await discord().start(sink, { connectionLost });

    fake.gateway.close(4014);
    await until(() => connectionLost.mock.calls.length === 1);

    expect(connectionLost.mock.calls[0][0]).toMatchObject({ code: ErrorCode.PERMANENT, message: expect.stringContaining('Message Content intent') });
  });
});

describe('DiscordAdapter sending over REST', () => {
  it('sends, edits and shows typing in a thread, without letting a reply ping anyone', async () => {
    const adapter = discord();
    const sent = await adapter.send(target(CHANNEL, THREAD), { text: 'Working on it' });
    await adapter.edit(target(CHANNEL, THREAD), sent.platformMessageId, 'Done: all green');
    await adapter.sendTyping(target(CHANNEL, THREAD));

    const [message] = fake.messagesIn(THREAD);
    expect(message).toMatchObject({ id: sent.platformMessageId, content: 'Done: all green', history: ['Working on it', 'Done: all green'], allowedMentions: { parse: [] } });
    expect(fake.calls({ method: 'POST', path: `/api/v10/channels/${THREAD}/typing` })).toHaveLength(1);
  });

  it('uploads a file with the text', async () => {
    await discord().send(target(aliceDm), { text: 'the report', attachments: [{ kind: 'file', fileName: 'report.txt', data: Buffer.from('all fine') }] });
    const [message] = fake.messagesIn(aliceDm);
    expect(message.content).toBe('the report');
    expect(message.files.map((file) => [file.fileName, file.data.toString()])).toEqual([['report.txt', 'all fine']]);
  });

  it('throws a long rate limit as RATE_LIMITED with its delay, without waiting for it', async () => {
    fake.rateLimitNextSends(30);
    const error = await failureOf(discord().send(target(aliceDm), { text: 'too soon' }));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it('throws a server error as TEMPORARY after one attempt, for the queue to retry', async () => {
    fake.failNextSends({ status: 502, body: 'Bad Gateway' });
    const error = await failureOf(discord().send(target(aliceDm), { text: 'hello?' }));
    expect(error.code).toBe(ErrorCode.TEMPORARY);
    expect(fake.calls({ method: 'POST', path: `/api/v10/channels/${aliceDm}/messages` })).toHaveLength(1);
  });

  it('throws missing permissions as PERMANENT', async () => {
    fake.failNextSends({ status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    expect((await failureOf(discord().send(target(CHANNEL), { text: 'hi' }))).code).toBe(ErrorCode.PERMANENT);
  });
});

describe('DiscordAdapter slash commands', () => {
  const menu = [
    { name: 'status', description: 'show this conversation and its model' },
    { name: 'model', description: 'switch the model of this chat [provider:model]' },
  ];

  it('registers the command menu globally, each command with an optional args option', async () => {
    await discord().setCommands(menu);

    expect(fake.registeredCommands()?.map((command) => [command.name, command.options.map((option) => [option.name, option.required])])).toEqual([
      ['status', [['args', false]]],
      ['model', [['args', false]]],
    ]);
  });

  it('registers them in each listed server instead, and none globally', async () => {
    await discord().setCommands(menu);
    await discord({ commandGuilds: [GUILD, '700000000000000009'] }).setCommands(menu);

    expect(fake.registeredCommands(GUILD)?.map((command) => command.name)).toEqual(['status', 'model']);
    expect(fake.registeredCommands('700000000000000009')?.map((command) => command.name)).toEqual(['status', 'model']);
    expect(fake.registeredCommands()).toEqual([]);
  });

  it('stores a slash command as the chat command it stands for, before it answers the interaction with the command', async () => {
    const held = deferred();
    const { sink, received } = recordingSink(async () => {
      await held.promise;
      return 'accepted';
    });
    await discord().start(sink);

    const interaction = await fake.dispatchCommand({ from: alice, guildId: GUILD, channelId: THREAD, threadParentId: CHANNEL, name: 'model', args: 'openai:gpt-4o' });
    await until(() => received.length === 1);
    expect(fake.interactionResponse(interaction.id)).toBeUndefined();
    held.resolve();
    await until(() => fake.interactionResponse(interaction.id) !== undefined);

    expect(received[0]).toMatchObject({ chatId: CHANNEL, threadId: THREAD, chatType: 'thread', sender: { id: alice.id }, text: '/model openai:gpt-4o', mentionsBot: true });
    expect(fake.interactionResponse(interaction.id)).toEqual({ type: 4, content: '/model openai:gpt-4o', ephemeral: false });
  });

  it('tells only the invoking user that a command was refused', async () => {
    const { sink } = recordingSink(async () => 'ignored');
    await discord().start(sink);

    const interaction = await fake.dispatchCommand({ from: alice, guildId: GUILD, channelId: CHANNEL, name: 'status' });
    await until(() => fake.interactionResponse(interaction.id) !== undefined);

    expect(fake.interactionResponse(interaction.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/^Not run: /) });
  });

  it('sends the reply to a slash command as a message of its own, not as a reply to a message', async () => {
    await discord().send(target(aliceDm), { text: 'Model: openai:gpt-4o', replyToMessageId: 'interaction:1441000000000000301' });

    expect(fake.messagesIn(aliceDm).at(-1)).toMatchObject({ content: 'Model: openai:gpt-4o', replyTo: undefined });
  });
});

describe('DiscordAdapter.downloadAttachment', () => {
  it('fetches an attachment from its CDN URL, and refuses one over the limit before fetching it', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { received } = await receiving();
    await fake.dispatchMessage(fake.userMessage({ from: alice, channelId: aliceDm, content: '', files: [{ fileName: 'dot.png', contentType: 'image/png', data: png }] }));
    await until(() => received.length === 1);
    const [attachment] = received[0].attachments;

    expect(attachment).toMatchObject({ kind: 'image', fileName: 'dot.png', mimeType: 'image/png', sizeBytes: png.length });
    expect(await discord().downloadAttachment(attachment)).toEqual(png);
    const error = await failureOf(discord({ maxDownloadBytes: 4 }).downloadAttachment(attachment));
    expect(error).toMatchObject({ code: ErrorCode.INVALID_INPUT, userMessage: 'larger than the 4 B download limit' });
    expect(fake.calls({ path: /^\/attachments\// })).toHaveLength(1);
  });
});
