import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { type HistoryEntry, type SessionRecord, SessionSummaryRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';

/** The conversation the model is sent: a summary of its older part (if any) and the messages after it. */
export interface CompressedContext {
  summary: string | null;
  history: HistoryEntry[];
}

/** What a compression did, for /compress. */
export interface CompressionResult extends CompressedContext {
  /** Estimated tokens of the conversation before and after. */
  tokensBefore: number;
  tokensAfter: number;
  /** How many messages the new summary replaced (0: nothing to summarise, or the summariser failed). */
  summarised: number;
  /** Why nothing was summarised, when the summariser failed. */
  failure?: string;
}

const SUMMARY_PROMPT = [
  'You write the memory of a conversation between a user and an assistant.',
  'Summarise the conversation below (and the earlier summary, if there is one) so that the assistant can continue it:',
  'facts about the user, decisions, open questions, promises made, names, numbers and dates. Leave out small talk.',
  'Write plain text in the language of the conversation, at most 300 words, without any preamble.',
].join(' ');

/** Newest messages always sent as they are: the last exchange. */
const KEEP_AT_LEAST = 2;

/**
 * Token estimate: about four characters per token for English text. The providers' usage counts
 * arrive only after a call and include the system prompt and each provider's own framing; an
 * estimate made before the call works the same for every provider, and errs high for most text.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Context compression: once the conversation the model would be sent is estimated above
 * AGENT_COMPRESS_AT_TOKENS, its older part is summarised by the model and the summary is sent in
 * its place. The messages stay stored; the summary is stored in one insert with the id of the
 * last message it covers, so a crash leaves either the old summary or the new one. A summariser
 * that fails or takes longer than AGENT_COMPRESS_TIMEOUT_MS does not hold the turn: it goes on
 * with the previous summary and the history window of AGENT_HISTORY_MESSAGES.
 */
@Injectable()
export class ContextCompressor {
  private readonly logger = new Logger('ContextCompressor');

  constructor(
    private readonly summaries: SessionSummaryRepository,
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'stream'>,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /**
   * The context of a turn: the summary (one made by /compress counts too, with compression off),
   * compressed again first when over the threshold.
   */
  async prepare(session: SessionRecord, history: HistoryEntry[], model?: string): Promise<CompressedContext> {
    const threshold = this.config.agent.compressAtTokens;
    const current = await this.current(session, history);
    if (!threshold || size(current) <= threshold) return current;
    return this.compress(session, current, threshold / 2, model);
  }

  /** /compress: summarises all but the last exchange now, whatever the threshold. */
  async compressNow(session: SessionRecord, history: HistoryEntry[], model?: string): Promise<CompressionResult> {
    return this.compress(session, await this.current(session, history), 0, model);
  }

  /** The conversation's newest summary and the messages after the one it covers. */
  private async current(session: SessionRecord, history: HistoryEntry[]): Promise<CompressedContext> {
    const summary = await this.summaries.latest(session.id, session.conversationId);
    if (!summary) return { summary: null, history };
    // Not in the window: the covered message is older than all of it (or was undone since).
    const covered = history.findIndex((entry) => entry.id === summary.coversMessageId);
    return { summary: summary.text, history: history.slice(covered + 1) };
  }

  /** Summarises the messages before the newest ones that fit in `keepTokens` (at least the last exchange is kept). */
  private async compress(session: SessionRecord, context: CompressedContext, keepTokens: number, model?: string): Promise<CompressionResult> {
    const tokensBefore = size(context);
    const keep = keptFrom(context.history, keepTokens);
    const older = context.history.slice(0, keep);
    const unchanged = { ...context, tokensBefore, tokensAfter: tokensBefore, summarised: 0 };
    if (!older.length) return unchanged;
    let text: string;
    try {
      text = await this.summarise(context.summary, older, model);
    } catch (error) {
      const failure = error instanceof Error ? error.message : String(error);
      this.logger.warn(`session ${session.id}: the summary of ${older.length} messages failed, the turn goes on without it: ${failure}`);
      return { ...unchanged, failure };
    }
    const compressed = { summary: text, history: context.history.slice(keep) };
    const tokensAfter = size(compressed);
    await this.summaries.add({ sessionId: session.id, text, coversMessageId: older[older.length - 1].id, tokensBefore, tokensAfter });
    this.logger.log(`session ${session.id}: ${older.length} messages summarised, about ${tokensBefore} → ${tokensAfter} tokens`);
    return { ...compressed, tokensBefore, tokensAfter, summarised: older.length };
  }

  private async summarise(previous: string | null, messages: HistoryEntry[], model?: string): Promise<string> {
    const transcript = [
      ...(previous ? [`Earlier summary:\n${previous}\n`] : []),
      ...messages.map((entry) => `${entry.role === 'user' ? `User${entry.senderName ? ` (${entry.senderName})` : ''}` : 'Assistant'}: ${entry.text}`),
    ].join('\n');
    const signal = AbortSignal.timeout(this.config.agent.compressTimeoutMs);
    let text = '';
    const request = {
      messages: [
        { role: 'system' as const, content: SUMMARY_PROMPT },
        { role: 'user' as const, content: transcript },
      ],
      maxOutputTokens: this.config.agent.maxOutputTokens,
      model,
      signal,
    };
    for await (const event of this.router.stream(request)) {
      if (event.type === 'text') text += event.delta;
    }
    if (!text.trim()) throw new Error('the model returned an empty summary');
    return text.trim();
  }
}

/** The system prompt with the summary of the older conversation. */
export function withSummary(systemPrompt: string, summary: string | null): string {
  return summary ? `${systemPrompt}\n\nSummary of the earlier conversation (its messages are not repeated below):\n${summary}` : systemPrompt;
}

function size({ summary, history }: CompressedContext): number {
  return estimateTokens(summary ?? '') + history.reduce((sum, entry) => sum + estimateTokens(entry.text), 0);
}

/** Index of the first message kept as it is: the newest ones fitting in `keepTokens`, and at least the last exchange. */
function keptFrom(history: HistoryEntry[], keepTokens: number): number {
  let index = Math.max(0, history.length - KEEP_AT_LEAST);
  let tokens = history.slice(index).reduce((sum, entry) => sum + estimateTokens(entry.text), 0);
  while (index > 0) {
    const next = estimateTokens(history[index - 1].text);
    if (tokens + next > keepTokens) break;
    tokens += next;
    index--;
  }
  return index;
}
