import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import type { LlmToolCall, LlmToolDefinition } from '@switchboard/providers';
import { CommandPermissions } from '@switchboard/security';
import Ajv, { type ValidateFunction } from 'ajv';
import { type AgentTool, TOOL_SOURCES, type ToolCallContext, type ToolResult, type ToolSource } from './agent-tool';

/** What a tool result may hold; the rest is cut (the model is told). */
export const TOOL_RESULT_MAX_CHARS = 16_000;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The tools of one turn, by name, as the registry found them when the turn started. */
export type ToolSet = ReadonlyMap<string, AgentTool>;

/** A call the model made, checked: the tool and its arguments, or the error result the model gets instead. */
export type CheckedCall = { tool: AgentTool; args: Record<string, unknown> } | { refused: ToolResult };

/**
 * The tools the model may call: gathered from every ToolSource each turn (an MCP server's list can
 * change), their calls checked (a known tool, arguments valid against its JSON Schema, a sender it
 * allows) and run within their timeout, their results capped. Tool names are permission keys in
 * GATEWAY_COMMAND_PERMISSIONS like command names ("http_fetch:admins").
 */
@Injectable()
export class ToolRegistry {
  private readonly logger = new Logger('ToolRegistry');
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly validators = new WeakMap<AgentTool, ValidateFunction>();

  constructor(
    @Inject(TOOL_SOURCES) private readonly sources: readonly ToolSource[],
    private readonly permissions: CommandPermissions,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** Every source's tools; a name that is invalid or taken already is left out (and logged). */
  tools(): ToolSet {
    const found = new Map<string, AgentTool>();
    for (const source of this.sources) {
      for (const tool of source.tools()) {
        if (!TOOL_NAME.test(tool.name)) this.logger.warn(`tool "${tool.name}" of ${source.id} left out: a name is 1-64 of a-z A-Z 0-9 _ -`);
        else if (found.has(tool.name)) this.logger.warn(`tool ${tool.name} of ${source.id} left out: another source has a tool of that name`);
        else found.set(tool.name, tool);
      }
    }
    return found;
  }

  /** What the model is told of the tools. */
  definitions(tools: ToolSet): LlmToolDefinition[] {
    return [...tools.values()].map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  /** A tool listed in AGENT_TOOLS_REQUIRING_APPROVAL waits for approval, whatever it says of itself. */
  requiresApproval(tool: AgentTool): boolean {
    return tool.requiresApproval || this.config.agent.toolsRequiringApproval.includes(tool.name);
  }

  /** Checks a call before it is recorded: the error result stands for the run when it is refused. */
  check(tools: ToolSet, call: LlmToolCall, sender: { platform: string; senderId: string }): CheckedCall {
    const tool = tools.get(call.name);
    if (!tool) return refused(`There is no tool named "${call.name}". Tools: ${[...tools.keys()].join(', ') || 'none'}.`);
    let args: unknown;
    try {
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      return refused(`The arguments of ${tool.name} are not valid JSON.`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return refused(`The arguments of ${tool.name} must be a JSON object.`);
    const validate = this.validatorOf(tool);
    if (!validate) return refused(`${tool.name} cannot be called: its parameters are not a valid JSON Schema.`);
    if (!validate(args)) return refused(`Invalid arguments for ${tool.name}: ${this.ajv.errorsText(validate.errors, { dataVar: 'arguments' })}.`);
    if (!this.permissions.canRun(sender.platform, sender.senderId, tool.name, tool.permission)) {
      return refused(`The user who sent this message is not allowed to use ${tool.name}.`);
    }
    return { tool, args: args as Record<string, unknown> };
  }

  /**
   * Runs a checked call within the tool's timeout; a failure becomes an error result. Stopping the
   * turn (`context.signal`) aborts the call and rejects with the stop's reason.
   */
  async execute(tool: AgentTool, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    const timeout = AbortSignal.timeout(tool.timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    const aborted = new Promise<never>((_resolve, reject) => {
      const fail = () => reject(signal.reason);
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return capped(await Promise.race([tool.run(args, { ...context, signal }), aborted]));
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      if (timeout.aborted) return { content: `${tool.name} did not finish within ${tool.timeoutMs} ms.`, isError: true };
      return { content: `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
    }
  }

  private validatorOf(tool: AgentTool): ValidateFunction | undefined {
    let validate = this.validators.get(tool);
    if (!validate) {
      try {
        validate = this.ajv.compile(tool.parameters);
      } catch (error) {
        this.logger.warn(`tool ${tool.name} has parameters that are no valid JSON Schema: ${error instanceof Error ? error.message : error}`);
        return undefined;
      }
      this.validators.set(tool, validate);
    }
    return validate;
  }
}

const refused = (content: string): CheckedCall => ({ refused: { content, isError: true } });

function capped(result: ToolResult): ToolResult {
  if (result.content.length <= TOOL_RESULT_MAX_CHARS) return result;
  return { ...result, content: `${result.content.slice(0, TOOL_RESULT_MAX_CHARS)}\n[cut: the result had ${result.content.length} characters]` };
}
