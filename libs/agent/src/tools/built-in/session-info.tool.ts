import { MessageRepository, SessionRepository } from '@switchboard/persistence';
import type { AgentTool, ToolCallContext, ToolResult } from '../agent-tool';

/** The conversation the model is in: its id, title, model and how many messages it has. */
export function sessionInfoTool(sessions: SessionRepository, messages: MessageRepository, defaultModel: () => string): AgentTool {
  return {
    name: 'session_info',
    description: 'Facts about this conversation: its id, title, the model answering and the number of messages in it.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    permission: 'everyone',
    requiresApproval: false,
    timeoutMs: 5_000,
    async run(_args, context: ToolCallContext): Promise<ToolResult> {
      const session = await sessions.findById(context.sessionId);
      if (!session) return { content: 'This conversation no longer exists.', isError: true };
      const messageCount = await messages.countInConversation(session.id, session.conversationId);
      return {
        content: JSON.stringify({
          sessionId: session.id,
          title: session.settings.title,
          model: session.settings.model ?? defaultModel(),
          messageCount,
          platform: session.platform,
          chatType: session.chatType,
        }),
      };
    },
  };
}
