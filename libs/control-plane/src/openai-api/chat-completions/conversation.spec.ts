import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './chat-completion.request';
import { conversationIdFor, newInputOf } from './conversation';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

describe('conversationIdFor', () => {
  it('uses X-Session-Key first, then the user field, under the key id', () => {
    const messages = [user('hi')];
    expect(conversationIdFor('key-1', { sessionKey: 'chat-7', user: 'ada', messages })).toBe('key-1:chat-7');
    expect(conversationIdFor('key-1', { user: 'ada', messages })).toBe('key-1:ada');
    expect(conversationIdFor('key-2', { user: 'ada', messages })).toBe('key-2:ada');
  });

  it('without either, keeps a resent conversation in one session, distinct per first message and per key', () => {
    const first = conversationIdFor('key-1', { messages: [user('Plan my trip')] });
    const resent = conversationIdFor('key-1', { messages: [user('Plan my trip'), assistant('Where to?'), user('Rome')] });
    expect(resent).toBe(first);
    expect(first).toMatch(/^key-1:first-message:[0-9a-f]{16}$/);
    expect(conversationIdFor('key-1', { messages: [user('Something else')] })).not.toBe(first);
    expect(conversationIdFor('key-2', { messages: [user('Plan my trip')] })).not.toBe(first);
  });

  it('ignores blank names and refuses overlong ones', () => {
    expect(conversationIdFor('k', { sessionKey: '  ', user: 'ada', messages: [] })).toBe('k:ada');
    expect(() => conversationIdFor('k', { sessionKey: 'x'.repeat(257), messages: [] })).toThrow(/at most 256/);
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
