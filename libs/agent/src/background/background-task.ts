/** The key of a background task's session: its chat's key, then `:bg:<task id>`. */
export function backgroundSessionKey(chatSessionKey: string, taskId: string): string {
  return `${chatSessionKey}:bg:${taskId}`;
}

/** The task id of a background task's session, undefined for any other session. */
export function backgroundTaskOf(sessionKey: string): string | undefined {
  return /:bg:([0-9a-f]+)$/.exec(sessionKey)?.[1];
}

export const BACKGROUND_DONE = '✅ Background task complete';
export const BACKGROUND_FAILED = '❌ Background task failed';

// A failure's reason is told in the chat: one line, not a stack.
const MAX_REASON = 300;

/** The answer as posted: a background task's carries the header naming the task. */
export function framedAnswer(sessionKey: string, text: string): string {
  const task = backgroundTaskOf(sessionKey);
  return task ? `${BACKGROUND_DONE} (${task})\n\n${text}` : text;
}

/** What the chat is told when the turn fails for good: `otherwise` for a chat's own turn. */
export function failureNotice(sessionKey: string, reason: string, otherwise: string): string {
  const task = backgroundTaskOf(sessionKey);
  if (!task) return otherwise;
  const line = reason.replace(/\s+/g, ' ').trim();
  return `${BACKGROUND_FAILED} (${task}): ${line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line}`;
}
