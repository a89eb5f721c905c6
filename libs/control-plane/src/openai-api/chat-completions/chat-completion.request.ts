import { z } from 'zod';
import { invalidRequest, unsupportedParameter } from '../errors/openai-error';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart)], { error: 'expected a string or an array of {"type": "text", "text": ...} parts' });

// Fields OpenAI defines but this API does not use are accepted and ignored, like unknown ones.
const message = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content }),
    // Newer OpenAI clients send "developer" where older ones send "system".
    z.object({ role: z.literal('developer'), content }),
    z.object({ role: z.literal('user'), content }),
    // null when the assistant only called tools.
    z.object({ role: z.literal('assistant'), content: content.nullish() }),
    z.object({ role: z.literal('tool'), content }),
  ],
  { error: 'expected one of system, developer, user, assistant, tool' },
);

const tokenLimit = z.number().int('expected a whole number').positive('expected a positive number').nullish();

const chatCompletionRequestSchema = z.object({
  messages: z.array(message).min(1, 'expected at least one message'),
  model: z.string().trim().min(1, 'expected a model id').optional(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().trim().max(256, 'expected at most 256 characters').optional(),
  max_tokens: tokenLimit,
  max_completion_tokens: tokenLimit,
  temperature: z.number().min(0, 'expected a number from 0 to 2').max(2, 'expected a number from 0 to 2').nullish(),
  // Read only to refuse them (see refuseClientTools).
  tools: z.array(z.unknown()).nullish(),
  functions: z.array(z.unknown()).nullish(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = ChatCompletionRequest['messages'][number];

/** The request body, or a 400 in OpenAI's format naming the first invalid parameter. */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  const result = chatCompletionRequestSchema.safeParse(body);
  if (result.success) return refuseClientTools(result.data);
  const issue = result.error.issues[0];
  const param = paramName(issue.path);
  const where = param ? `Invalid value for '${param}'` : 'Invalid request body';
  throw invalidRequest(`${where}: ${issue.message}`, param);
}

/** The output limit the client asked for: `max_completion_tokens`, else the older `max_tokens`. */
export function requestedMaxTokens(request: ChatCompletionRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

// The agent answers with its own prompt and returns text only: tools the client defines could never
// be called, and a client waiting for tool_calls must be told rather than get a plain answer.
function refuseClientTools(request: ChatCompletionRequest): ChatCompletionRequest {
  for (const param of ['tools', 'functions'] as const) {
    if (request[param]?.length) {
      throw unsupportedParameter(param, `Unsupported parameter: '${param}' is not supported by this gateway yet (its agent answers with text, never with tool calls); send the request without it.`);
    }
  }
  return request;
}

/** The text of a message: a string, or its text parts one per line. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

// ["messages", 0, "content"] → "messages[0].content", the way OpenAI names parameters.
function paramName(path: PropertyKey[]): string | null {
  let name = '';
  for (const step of path) name += typeof step === 'number' ? `[${step}]` : `${name ? '.' : ''}${String(step)}`;
  return name || null;
}
