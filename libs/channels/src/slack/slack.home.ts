import type { types } from '@slack/bolt';
import type { ChatSessionState } from '@switchboard/core';
import type { SlackEventCallback } from './slack.mapper';
import { slackText } from './slack.mapper';

/** A user opened the app's Home tab: who, and their direct-message channel with the app. */
export interface SlackHomeOpened {
  user: string;
  /** The DM channel of the user and the app; Slack names it in every app_home_opened. */
  channel: string | undefined;
}

/** The sessions the Home tab lists, newest first (Slack allows 100 blocks; each takes two). */
export const HOME_SESSIONS = 10;

/**
 * The `app_home_opened` event of the Home tab, or undefined for anything else (the event comes
 * for the Messages tab too, and the gateway only draws the Home tab).
 */
export function homeOpened(callback: SlackEventCallback): SlackHomeOpened | undefined {
  const event = callback.event as Record<string, unknown> | undefined;
  if (event?.type !== 'app_home_opened' || event.tab !== 'home' || typeof event.user !== 'string') return undefined;
  return { user: event.user, channel: typeof event.channel === 'string' ? event.channel : undefined };
}

/**
 * The Home tab: the user's conversations with the bot in their direct messages with it (the
 * Messages tab and its threads), each with its title, model, messages since it started afresh,
 * last activity (in the reader's time zone) and whether an answer is being written. Conversations
 * in channels are not listed: they are the channel's, shared with its members.
 */
export function homeView(sessions: ChatSessionState[]): types.HomeView {
  const blocks: types.KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Your conversations with me' } }];
  if (sessions.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'None yet: write to me in the Messages tab, and it shows here.' } });
  }
  for (const session of sessions) {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: headingOf(session) } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Model*\n${slackText(session.model)}` },
          { type: 'mrkdwn', text: `*Messages*\n${session.messageCount}` },
          { type: 'mrkdwn', text: `*Last active*\n${slackDate(session.lastActivityAt)}` },
          { type: 'mrkdwn', text: `*State*\n${session.busy ? 'busy: writing an answer' : 'idle'}` },
        ],
      },
    );
  }
  return { type: 'home', blocks };
}

/** The title (/title), if any, over where the conversation is: the DM itself, or a thread of it (its ts is when it began). */
function headingOf(session: ChatSessionState): string {
  const where = session.threadId ? `Thread started ${slackDate(new Date(Number(session.threadId) * 1000))}` : 'Direct messages';
  return session.title ? `*${slackText(session.title)}*\n${where}` : `*${where}*`;
}

/** A time Slack shows in the reader's time zone; the fallback is UTC. */
function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${at.toISOString()}>`;
}
