import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './chat-completion.request';
import { conversationFor, earlierMessagesOf, newInputOf } from './conversation';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

describe('conversationFor', () => {
  it('uses X-Session-Key first, then the user field, under the key id', () => {
    expect(conversationFor('key-1', { sessionKey: 'chat-7', user: 'ada' })).toEqual({ id: 'key-1:chat-7', stateless: false });
    expect(conversationFor('key-1', { user: 'ada' })).toEqual({ id: 'key-1:ada', stateless: false });
    expect(conversationFor('key-2', { user: 'ada' }).id).toBe('key-2:ada');
  });

  it('without either, makes each request a conversation of its own, even with the same messages', () => {
    const first = conversationFor('key-1', {});
    const second = conversationFor('key-1', {});

    expect(first).toEqual({ id: expect.stringMatching(/^key-1:request:[0-9a-f-]{36}$/), stateless: true });
    expect(second.id).not.toBe(first.id);
  });

  it('ignores blank names and refuses overlong ones', () => {
    expect(conversationFor('k', { sessionKey: '  ', user: 'ada' }).id).toBe('k:ada');
    expect(conversationFor('k', { sessionKey: '  ', user: ' ' }).stateless).toBe(true);
    expect(() => conversationFor('k', { sessionKey: 'x'.repeat(257) })).toThrow(/at most 256/);
  });
});

describe('earlierMessagesOf', () => {
  it('keeps the user and assistant text before the last user message', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 's' },
      user('Plan my trip'),
      { role: 'assistant', content: null },
      assistant('Where to?'),
      { role: 'tool', content: 't' },
      user('Rome'),
    ];

    expect(earlierMessagesOf(messages)).toEqual([
      { role: 'user', content: 'Plan my trip' },
      { role: 'assistant', content: 'Where to?' },
    ]);
    expect(earlierMessagesOf([user('only')])).toEqual([]);
  });
});

describe('newInputOf', () => {
  it('answers the last user message', () => {
    expect(newInputOf([{ role: 'system', content: 's' }, user('one'), assistant('two'), user('three'), { role: 'tool', content: 't' }])).toBe('three');
  });

  it('refuses a conversation without a user message, or whose last one is blank', () => {
    expect(() => newInputOf([{ role: 'system', content: 's' }])).toThrow(expect.objectContaining({ status: 400, param: 'messages' }));
    expect(() => newInputOf([user('one'), user('  ')])).toThrow(expect.objectContaining({ status: 400, param: 'messages[1].content' }));
  });
});
