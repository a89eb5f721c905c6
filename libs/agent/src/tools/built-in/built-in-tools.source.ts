import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { MessageRepository, SessionRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import type { AgentTool, ToolSource } from '../agent-tool';
import { currentTimeTool } from './current-time.tool';
import { httpFetchTool } from './http-fetch.tool';
import { sessionInfoTool } from './session-info.tool';

/** The gateway's own tools that AGENT_TOOLS turns on. */
@Injectable()
export class BuiltInToolSource implements ToolSource {
  readonly id = 'built-in';
  private readonly enabled: readonly AgentTool[];

  constructor(
    sessions: SessionRepository,
    messages: MessageRepository,
    @Inject(LlmRouter) router: Pick<LlmRouter, 'models'>,
    @InjectConfig() config: SwitchboardConfig,
  ) {
    const all: Record<SwitchboardConfig['agent']['tools'][number], AgentTool> = {
      current_time: currentTimeTool,
      session_info: sessionInfoTool(sessions, messages, () => router.models()[0] ?? 'none configured'),
      http_fetch: httpFetchTool(config.agent.httpFetchHosts),
    };
    this.enabled = config.agent.tools.map((name) => all[name]);
  }

  tools(): readonly AgentTool[] {
    return this.enabled;
  }
}
