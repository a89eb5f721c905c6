import { describe, expect, it } from 'vitest';
import { homeOpened, homeView } from './slack.home';
import type { SlackEventCallback } from './slack.mapper';

const callback = (event: Record<string, unknown>) => ({ type: 'event_callback', event_id: 'Ev1', event }) as unknown as SlackEventCallback;

describe('homeOpened', () => {
  it('reads who opened the Home tab and their DM with the app, and nothing else', () => {
    expect(homeOpened(callback({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home' }))).toEqual({ user: 'U1', channel: 'D1' });
    expect(homeOpened(callback({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'messages' }))).toBeUndefined();
    expect(homeOpened(callback({ type: 'message', user: 'U1', channel: 'D1' }))).toBeUndefined();
  });
});

describe('homeView', () => {
  it('lists each conversation with its place, title, model, messages, last activity and state, escaping what users wrote', () => {
    const view = homeView([
      { threadId: '1733216460.000300', model: 'echo:main → echo:other', messageCount: 1, lastActivityAt: new Date('2030-01-01T11:00:00Z'), busy: true },
      { title: 'Q&A <draft>', model: 'openai:gpt-4o', messageCount: 12, lastActivityAt: new Date('2030-01-01T10:00:00Z'), busy: false },
    ]);
    const texts = JSON.stringify(view);

    expect(view.type).toBe('home');
    expect(view.blocks).toHaveLength(5);
    expect(texts).toContain('Thread started <!date^1733216460^');
    expect(texts).toContain('*Q&amp;A &lt;draft&gt;*\\nDirect messages');
    expect(texts).toContain('busy: writing an answer');
    expect(texts).toContain('*State*\\nidle');
    expect(texts).toContain('<!date^1893492000^{date_short_pretty} at {time}|2030-01-01T10:00:00.000Z>');
  });

  it('says there is nothing yet when the user has no conversation', () => {
    expect(JSON.stringify(homeView([]))).toContain('None yet');
  });
});
