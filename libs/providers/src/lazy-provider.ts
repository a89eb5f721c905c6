import type { LlmEvent, LlmProvider, LlmRequest } from './llm-provider';

/**
 * A provider whose module (and SDK) is loaded on first use: a gateway keeps in memory only the
 * SDKs of the models it actually calls, not every provider Switchboard supports.
 */
export class LazyLlmProvider implements LlmProvider {
  private loaded: Promise<LlmProvider> | undefined;

  constructor(
    readonly id: string,
    private readonly load: () => Promise<LlmProvider>,
  ) {}

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    yield* (await this.provider()).stream(request);
  }

  async healthProbe(signal?: AbortSignal): Promise<Record<string, unknown>> {
    return (await this.provider()).healthProbe(signal);
  }

  private provider(): Promise<LlmProvider> {
    this.loaded ??= this.load();
    return this.loaded;
  }
}
