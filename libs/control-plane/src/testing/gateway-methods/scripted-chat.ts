import { Logger } from '@nestjs/common';
import type { DirectChatEvent, DirectChatRequest, DirectChatService } from '@switchboard/agent';
import { SwitchboardConfig, configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { LlmRouter } from '@switchboard/providers';
import { ChatRunRegistry } from '../../gateway-methods/chat/chat-run.registry';
import { ChatTurnRunner } from '../../gateway-methods/chat/chat-turn.runner';
import { MethodGroup } from '../../gateway-methods/method-group';
import { TestControlPlane, startTestControlPlane } from '../ws/control-plane.harness';

export type ChatScript = (request: DirectChatRequest) => AsyncGenerator<DirectChatEvent>;

/** Stands in for DirectChatService: each chat plays the current script and is recorded. */
export class ScriptedChat {
  readonly requests: DirectChatRequest[] = [];
  script: ChatScript = replyWith('Hello there.');

  chat(request: DirectChatRequest): AsyncGenerator<DirectChatEvent> {
    this.requests.push(request);
    return this.script(request);
  }
}

/** A model answering `text` in two deltas, with usage. */
export function replyWith(text: string): ChatScript {
  return async function* () {
    yield { type: 'model', ref: 'echo:echo' };
    const half = Math.ceil(text.length / 2);
    yield { type: 'text', delta: text.slice(0, half) };
    yield { type: 'text', delta: text.slice(half) };
    yield { type: 'usage', inputTokens: 12, outputTokens: 4 };
    yield { type: 'done', text };
  };
}

/** A model that starts answering, then waits until the run is aborted. */
export const hangAfterFirstDelta: ChatScript = async function* (request) {
  yield { type: 'model', ref: 'echo:echo' };
  yield { type: 'text', delta: 'Thinking' };
  await new Promise((_resolve, reject) => request.signal?.addEventListener('abort', () => reject(request.signal?.reason)));
};

export interface ChatTestBed {
  plane: TestControlPlane;
  chat: ScriptedChat;
  runs: ChatRunRegistry;
  config: SwitchboardConfig;
}

/** The test control plane with one method group built on a scripted chat and the echo model. */
export async function startChatTestBed(build: (deps: { runner: ChatTurnRunner; runs: ChatRunRegistry; router: LlmRouter; config: SwitchboardConfig }) => MethodGroup): Promise<ChatTestBed> {
  Logger.overrideLogger(false);
  const config = configSchema.parse({ llm: { provider: 'echo' } });
  const chat = new ScriptedChat();
  const runs = new ChatRunRegistry();
  const router = new LlmRouter(config, new SwitchboardMetrics());
  const plane = await startTestControlPlane();
  build({ runner: new ChatTurnRunner(chat as unknown as DirectChatService, runs), runs, router, config }).register(plane.server);
  return { plane, chat, runs, config };
}
