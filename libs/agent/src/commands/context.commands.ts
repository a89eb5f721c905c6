import { Injectable } from '@nestjs/common';
import { ContextCompressor } from '../context/context-compressor';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/** /compress: context compression now, whatever AGENT_COMPRESS_AT_TOKENS says. */
@Injectable()
export class CompressCommand implements ChatCommand {
  readonly name = 'compress';
  readonly description = 'summarise the older part of this conversation now, so the model is sent less';
  readonly permission = 'everyone';

  constructor(private readonly compressor: ContextCompressor) {}

  async run({ session, history, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    if (args) return reply('/compress takes no arguments.');
    const result = await this.compressor.compressNow(session, history);
    if (result.failure) return reply(`Could not compress the conversation (${result.failure}); it stays as it was, about ${result.tokensBefore} tokens.`);
    if (!result.summarised) return reply(`Nothing to compress: the conversation is only its last exchange, about ${result.tokensBefore} tokens.`);
    return reply(
      `Compressed: ${result.summarised} earlier messages summarised; about ${result.tokensBefore} tokens before, ${result.tokensAfter} after. The messages stay stored.`,
    );
  }
}
