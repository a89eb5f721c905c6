import { ErrorCode } from '@switchboard/core';
import { MessageFlags, type APIInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandAck, discordCommands, mapDiscordCommand } from './discord.commands';
import commandDm from './fixtures/command-dm.json';
import commandInThread from './fixtures/command-in-thread.json';

/** A copy of a fixture with changes, so each test states what differs from the recording. */
function map(fixture: unknown, change: (interaction: Record<string, unknown>) => void = () => {}) {
  const interaction = structuredClone(fixture) as Record<string, unknown>;
  change(interaction);
  return mapDiscordCommand(interaction as unknown as APIInteraction, 'default');
}

describe('discordCommands', () => {
  it('registers each command with an optional args option, its description cut to what Discord takes', () => {
    const [model, long] = discordCommands([
      { name: 'model', description: 'switch the model [provider:model]' },
      { name: 'long', description: 'x'.repeat(150) },
    ]);
    expect(model).toEqual({
      type: 1,
      name: 'model',
      description: 'switch the model [provider:model]',
      options: [{ type: 3, name: 'args', description: expect.any(String), required: false }],
    });
    expect(long.description).toHaveLength(100);
    expect(long.description.endsWith('…')).toBe(true);
  });
});

describe('mapDiscordCommand', () => {
  it('maps a command in a thread to the chat command it stands for, in the thread of its channel', () => {
    expect(map(commandInThread)).toEqual({
      platform: 'discord',
      accountId: 'default',
      chatId: '700000000000000002',
      threadId: '700000000000000003',
      chatType: 'thread',
      platformMessageId: 'interaction:1441000000000000301',
      sender: { id: '200000000000000002', displayName: 'Bob', username: 'bob_builds' },
      text: '/model openai:gpt-4o',
      attachments: [],
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: new Date('2025-11-20T09:39:32.485Z'),
    });
  });

  it('maps a command without arguments in a DM to the bare command of the DM', () => {
    expect(map(commandDm)).toMatchObject({ chatId: '1441000000000000010', threadId: undefined, chatType: 'dm', sender: { id: '200000000000000001' }, text: '/status' });
  });

  it('maps a command in a guild channel to that channel', () => {
    const mapped = map(commandInThread, (interaction) => {
      interaction.channel_id = '700000000000000002';
      interaction.channel = { type: 0, id: '700000000000000002', guild_id: '700000000000000001', name: 'general' };
    });
    expect(mapped).toMatchObject({ chatId: '700000000000000002', threadId: undefined, chatType: 'group' });
  });

  it('leaves out interactions the bot does not offer: buttons, autocomplete, context menus', () => {
    expect(map(commandInThread, (interaction) => (interaction.type = 3))).toBeNull();
    expect(map(commandInThread, (interaction) => (interaction.type = 4))).toBeNull();
    expect(map(commandInThread, (interaction) => ((interaction.data as Record<string, unknown>).type = 2))).toBeNull();
  });

  it('throws INVALID_INPUT for a command without a user', () => {
    expect(() => map(commandDm, (interaction) => delete interaction.user)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });
});

describe('commandAck', () => {
  it('answers an accepted command with its text for all to see, pinging nobody', () => {
    expect(commandAck('accepted', '/model @everyone')).toEqual({ type: 4, data: { content: '/model @everyone', allowed_mentions: { parse: [] } } });
  });

  it('tells only the invoking user why a command will not run', () => {
    const ack = commandAck('ignored', '/status');
    expect(ack).toMatchObject({ type: 4, data: { content: expect.stringMatching(/^Not run: /), flags: MessageFlags.Ephemeral } });
  });
});
