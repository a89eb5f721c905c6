import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@switchboard/persistence';
import { conversation } from './prompt-builder';

const at = new Date('2030-01-01T00:00:00Z');
let ids = 0;
const user = (text: string): HistoryEntry => ({ id: `u${++ids}`, role: 'user', text, senderName: 'Ada', createdAt: at });
const assistant = (text: string, to: HistoryEntry | null): HistoryEntry => ({ id: `a${++ids}`, role: 'assistant', text, senderName: null, createdAt: at, replyTo: to?.id ?? null });

describe('conversation', () => {
  it('leaves out every slash command and its reply', () => {
    const hi = user('hi');
    const whoami = user('/whoami');
    const weather = user('/weather@bot');
    const history = [hi, assistant('hello', hi), whoami, assistant('You are Ada', whoami), weather, assistant('Unknown command /weather', weather)];

    expect(conversation(history)).toEqual([hi, history[1]]);
  });

  it('pairs each reply with the message it answers, when a message came in before the command\'s reply', () => {
    const status = user('/status');
    const other = user('and you?');
    const history = [status, other, assistant('Session agent:main:...', status), assistant('fine', other)];

    expect(conversation(history)).toEqual([other, history[3]]);
  });

  it("keeps /retry's answer, which replaces the answer to the message before", () => {
    const question = user('why?');
    const retry = user('/retry');
    const again = assistant('because', retry);

    expect(conversation([question, retry, again])).toEqual([question, again]);
  });

  it('leaves out a reply whose message is not in the window, such as the answer to /new after the reset', () => {
    const hello = user('hello');
    expect(conversation([assistant('Started a fresh conversation.', user('/new')), hello])).toEqual([hello]);
  });
});
