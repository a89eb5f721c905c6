import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelAdapter, ChatTarget } from '@switchboard/core';
import { DomainError, ErrorCode } from '@switchboard/core';
import { REPEAT_MARKER } from './repeat-marker';
import { ReplyStreamer, keepTyping } from './reply-streamer';

const target: ChatTarget = { platform: 'fake', accountId: 'default', chatId: '1' };
// Hooks of a draft whose sending is recorded and never a repeat.
const recorded = { beforeSend: async () => ({ repeated: false }), notSent: async () => undefined, onDraft: async () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeChannel(options: { edit?: boolean; failEdits?: number; failSend?: DomainError; maxTextUnit?: 'chars' | 'bytes'; maxEditsPerMessage?: number } = {}) {
  const calls: { op: 'send' | 'edit'; text: string; at: number }[] = [];
  let failEdits = options.failEdits ?? 0;
  let failSend = options.failSend;
  const channel = {
    id: 'fake',
    capabilities: { edit: options.edit ?? true, typing: true, threads: false, reactions: false, files: false, images: false, voice: false, maxTextLength: 50, maxTextUnit: options.maxTextUnit, maxEditsPerMessage: options.maxEditsPerMessage },
    async send(_t: ChatTarget, message: { text: string }) {
      if (failSend) {
        const error = failSend;
        failSend = undefined;
        throw error;
      }
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
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 100, onDraft: async (id) => void drafts.push(id) });
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

  it('leaves the last edit a platform allows per message for the final text', async () => {
    const { channel, calls } = fakeChannel({ maxEditsPerMessage: 3 });
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 10 });
    for (let i = 0; i < 10; i++) {
      streamer.push(` w${i}`);
      await sleep(25);
    }
    await streamer.finish();
    expect(calls.map((c) => c.op)).toEqual(['send', 'edit', 'edit']);
  });

  it('edits a draft left by an earlier attempt instead of sending a new message', async () => {
    const { channel, calls } = fakeChannel();
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50, existingDraftId: 'old' });
    streamer.push('again');
    await sleep(80);
    expect(await streamer.finish()).toBe('old');
    expect(calls.map((c) => c.op)).toEqual(['edit']);
  });

  it('keeps the preview within the platform limit', async () => {
    const { channel, calls } = fakeChannel();
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50 });
    streamer.push('x'.repeat(120));
    await sleep(30);
    await streamer.finish();
    expect(calls[0].text.length).toBeLessThanOrEqual(50);
  });

  it('backs off after a rate-limited edit', async () => {
    const { channel, calls } = fakeChannel({ failEdits: 1 });
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50 });
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

  it('keeps the preview within a limit in bytes', async () => {
    const { channel, calls } = fakeChannel({ maxTextUnit: 'bytes' });
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50 });
    streamer.push('汉'.repeat(40));
    await expect.poll(() => calls.length).toBe(1);
    await streamer.finish();
    expect(Buffer.byteLength(calls[0].text, 'utf8')).toBeLessThanOrEqual(50);
    expect(calls[0].text).toMatch(/^汉+… ▍$/);
  });

  it('finishes only once a rate limit on the draft is over, so the delivery after it is not refused again', async () => {
    const { channel, calls } = fakeChannel({ failSend: new DomainError(ErrorCode.RATE_LIMITED, 'slow down', { retryAfterMs: 400 }) });
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50 });
    const refusedAt = Date.now();
    streamer.push('hello');
    await sleep(30);
    await streamer.finish();
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(390);
    expect(calls).toEqual([]);
  });

  it('records that the draft is being sent before sending it, and marks a draft that repeats an unconfirmed one', async () => {
    const { channel, calls } = fakeChannel();
    const events: string[] = [];
    const streamer = new ReplyStreamer(channel, target, {
      intervalMs: 50,
      beforeSend: async () => {
        events.push(`before send (${calls.length} sent)`);
        return { repeated: true };
      },
      notSent: async () => void events.push('not sent'),
      onDraft: async (id) => void events.push(`draft ${id} (${calls.length} sent)`),
    });
    streamer.push('x'.repeat(120));
    await expect.poll(() => events.length).toBe(2);
    await streamer.finish();
    expect(events).toEqual(['before send (0 sent)', 'draft m1 (1 sent)']);
    expect(calls[0].text.startsWith(REPEAT_MARKER + 'xxx')).toBe(true);
    expect(calls[0].text.length).toBeLessThanOrEqual(50);
  });

  it('keeps the repeat mark on the draft of an earlier attempt', async () => {
    const { channel, calls } = fakeChannel();
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 50, existingDraftId: 'old', existingDraftRepeated: true });
    streamer.push('again');
    await expect.poll(() => calls.length).toBe(1);
    await streamer.finish();
    expect(calls).toMatchObject([{ op: 'edit', text: `${REPEAT_MARKER}again ▍` }]);
  });

  it('forgets the send of a draft the platform clearly refused, not of one that may have arrived', async () => {
    for (const [failure, forgotten] of [
      [new DomainError(ErrorCode.RATE_LIMITED, 'slow down', { retryAfterMs: 10 }), true],
      [new DomainError(ErrorCode.TEMPORARY, 'connection reset'), false],
    ] as const) {
      const { channel, calls } = fakeChannel({ failSend: failure });
      const notSent: string[] = [];
      let tries = 0;
      const streamer = new ReplyStreamer(channel, target, {
        ...recorded,
        intervalMs: 20,
        beforeSend: async () => {
          tries++;
          return { repeated: false };
        },
        notSent: async () => void notSent.push(failure.code),
      });
      streamer.push('a');
      await expect.poll(() => tries).toBe(1); // the first try failed
      streamer.push('b'); // the next try sends the draft
      await expect.poll(() => calls.length).toBe(1);
      await streamer.finish();
      expect(notSent).toEqual(forgotten ? [failure.code] : []);
    }
  });

  it('sends nothing while streaming on a channel that cannot edit', async () => {
    const { channel, calls } = fakeChannel({ edit: false });
    const streamer = new ReplyStreamer(channel, target, { ...recorded, intervalMs: 10 });
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
