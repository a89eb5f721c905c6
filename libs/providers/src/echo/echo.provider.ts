import { DomainError, ErrorCode } from '@switchboard/core';
import type { LlmEvent, LlmProvider, LlmRequest } from '../llm-provider';
import { textWithImageNotes } from '../provider-support';

/**
 * Answers with the last user message, streamed word by word, without any network: for demos and
 * smoke tests of the whole gateway.
 */
export class EchoProvider implements LlmProvider {
  readonly id = 'echo';

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const lastUser = request.messages.findLast((message) => message.role === 'user');
    const text = lastUser ? textWithImageNotes(lastUser) : '';
    // Split where whitespace ends, so that the pieces join back to the exact text.
    for (const delta of text.split(/(?<=\s)(?=\S)/)) {
      if (request.signal?.aborted) throw new DomainError(ErrorCode.TEMPORARY, `echo:${request.model}: aborted`);
      if (delta) yield { type: 'text', delta };
    }
    const input = request.messages.map((message) => message.content).join(' ');
    yield { type: 'usage', inputTokens: wordCount(input), outputTokens: wordCount(text) };
    yield { type: 'done', stopReason: 'end' };
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    return { network: 'none' };
  }
}

// A rough token count, enough for the usage numbers of a demo.
function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
