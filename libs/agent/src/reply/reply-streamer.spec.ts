import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelAdapter, ChatTarget } from '@switchboard/core';
import { DomainError, ErrorCode } from '@switchboard/core';
import { ReplyStreamer, keepTyping } from './reply-streamer';

const target: ChatTarget = { platform: 'fake', accountId: 'default', chatId: '1' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeChannel(options: { edit?: boolean; failEdits?: number } = {}) {
  const calls: { op: 'send' | 'edit'; text: string; at: number }[] = [];
  let failEdits = options.failEdits ?? 0;
  const channel = {
    id: 'fake',
    capabilities: { edit: options.edit ?? true, typing: true, threads: false, reactions: false, files: false, images: false, voice: false, maxTextLength: 50 },
    async send(_t: ChatTarget, message: { text: string }) {
      calls.push({ op: 'send', text: message.text, at: Date.now() });
      return { platformMessageId: 'm1' };
    },
    async edit(_t: ChatTarget, _id: string, text: string) {
      if (failEdits-- > 0) throw new DomainError(ErrorCode.RATE_LIMITED, 'slow down', { retryAfterMs: 300 });
      calls.push({ op: 'edit', text, at: Date.now() });
    },
  } as unknown as ChannelAdapter;
  return { channel, calls };
}

describe('ReplyStreamer', () => {
  it('sends the first text at once, then edits no more often than the interval', async () => {
    const { channel, calls } = fakeChannel();
    const drafts: string[] = [];
    const streamer = new ReplyStreamer(channel, target, { intervalMs: 100, onDraft: async (id) => void drafts.push(id) });
    for (const word of ['Hello', ' there', ',', ' how', ' are', ' you', '?']) {
      streamer.push(word);
      await sleep(40);
    }
    expect(await streamer.finish()).toBe('m1');
    expect(drafts).toEqual(['m1']);
    expect(calls[0]).toMatchObject({ op: 'send', text: 'Hello ▍' });
    expect(calls.filter((c) => c.op === 'send')).toHaveLength(1);
    for (let i = 1; i < calls.length; i++) expect(calls[i].at - calls[i - 1].at).toBeGreaterThanOrEqual(95);
    expect(calls.length).toBeGreaterThanOrEqual(2);
  });

  it('edits a draft left by an earlier attempt instead of sending a new message', async () => {
    const { channel, calls } = fakeChannel();
    const streamer = new ReplyStreamer(channel, target, { intervalMs: 50, existingDraftId: 'old', onDraft: async () => undefined });
    streamer.push('again');
    await sleep(80);
    expect(await streamer.finish()).toBe('old');
    expect(calls.map((c) => c.op)).toEqual(['edit']);
  });

  it('keeps the preview within the platform limit', async () => {
    const { channel, calls } = fakeChannel();
    const streamer = new ReplyStreamer(channel, target, { intervalMs: 50, onDraft: async () => undefined });
    streamer.push('x'.repeat(120));
    await sleep(30);
    await streamer.finish();
    expect(calls[0].text.length).toBeLessThanOrEqual(50);
  });

  it('backs off after a rate-limited edit', async () => {
    const { channel, calls } = fakeChannel({ failEdits: 1 });
    const streamer = new ReplyStreamer(channel, target, { intervalMs: 50, onDraft: async () => undefined });
    streamer.push('a');
    await sleep(20);
    streamer.push('b'); // this edit is refused with retryAfterMs 300
    await sleep(100);
    streamer.push('c');
    await sleep(100);
    expect(calls.map((c) => c.op)).toEqual(['send']); // still waiting out the 300 ms
    await sleep(600);
    await streamer.finish();
    expect(calls.map((c) => c.op)).toEqual(['send', 'edit']);
  });

  it('sends nothing while streaming on a channel that cannot edit', async () => {
    const { channel, calls } = fakeChannel({ edit: false });
    const streamer = new ReplyStreamer(channel, target, { intervalMs: 10, onDraft: async () => undefined });
    streamer.push('hello');
    await sleep(40);
    expect(await streamer.finish()).toBeUndefined();
    expect(calls).toHaveLength(0);
  });
});

describe('keepTyping', () => {
  afterEach(() => vi.useRealTimers());

  function typingChannel() {
    let typings = 0;
    const channel = { capabilities: { typing: true }, sendTyping: async () => void typings++ } as unknown as ChannelAdapter;
    return { channel, typings: () => typings };
  }

  it('shows nothing for a reply ready within 300 ms', () => {
    vi.useFakeTimers();
    const { channel, typings } = typingChannel();
    const stop = keepTyping(channel, target);
    vi.advanceTimersByTime(299);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(typings()).toBe(0);
  });

  it('shows typing from 300 ms on and renews it every 4 s until stopped', () => {
    vi.useFakeTimers();
    const { channel, typings } = typingChannel();
    const stop = keepTyping(channel, target);
    vi.advanceTimersByTime(300);
    expect(typings()).toBe(1);
    vi.advanceTimersByTime(8_000);
    expect(typings()).toBe(3);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(typings()).toBe(3);
  });
});
