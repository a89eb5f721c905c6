import { describe, expect, it } from 'vitest';
import { ControlPlaneError } from '../../ws/protocol/protocol-error';
import { resolveSessionKey, webchatConversation } from './webchat-session';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ControlPlaneError);
    return (error as ControlPlaneError).message;
  }
  throw new Error('expected a refusal');
}

describe('web chat sessions', () => {
  it('reads a bare name as the web chat conversation of that name', () => {
    expect(webchatConversation('main', 'support-42')).toEqual({ sessionKey: 'agent:main:webchat:dm:support-42', conversationId: 'support-42' });
    expect(resolveSessionKey('main', 'support-42')).toBe('agent:main:webchat:dm:support-42');
  });

  it('accepts a full web chat key of the agent, a new one included', () => {
    expect(webchatConversation('main', 'agent:main:webchat:dm:3f1c-uuid')).toEqual({
      sessionKey: 'agent:main:webchat:dm:3f1c-uuid',
      conversationId: '3f1c-uuid',
    });
  });

  it('refuses to chat in a chat platform session or in another agent', () => {
    expect(refusal(() => webchatConversation('main', 'agent:main:telegram:dm:12345'))).toMatch(/is not a web chat of agent main/);
    expect(refusal(() => webchatConversation('main', 'agent:other:webchat:dm:x'))).toMatch(/is not a web chat/);
    expect(resolveSessionKey('main', 'agent:main:telegram:dm:12345')).toBe('agent:main:telegram:dm:12345');
  });

  it('refuses names with spaces or that are empty', () => {
    expect(refusal(() => webchatConversation('main', 'two words'))).toMatch(/1-128 characters/);
    expect(refusal(() => webchatConversation('main', 'agent:main:webchat:dm:'))).toMatch(/1-128 characters/);
  });
});
