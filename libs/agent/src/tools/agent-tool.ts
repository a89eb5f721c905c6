import type { CommandPermission } from '../commands/chat-command';

/** Who called a tool and where: the turn's session and the sender of its message. */
export interface ToolCallContext {
  sessionId: string;
  platform: string;
  senderId: string;
  /** Aborted when the turn is stopped or the tool's timeout passes. */
  signal: AbortSignal;
}

/** What a tool returns to the model: text (JSON text for structured results). */
export interface ToolResult {
  content: string;
  /** The tool failed; the model is told so and may try another way. */
  isError?: boolean;
}

/**
 * A function the model may call during a turn. Arguments are validated against `parameters`
 * (JSON Schema of an object) before `run`; a call to a tool the sender may not run, or one whose
 * arguments do not validate, returns an error result to the model instead of running.
 */
export interface AgentTool {
  /** Unique in the registry; [a-zA-Z0-9_-]{1,64} (what the providers accept). MCP tools carry a prefix. */
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Record<string, unknown>;
  readonly permission: CommandPermission;
  /** The run pauses and asks in the chat; /approve or /deny from someone permitted resumes it. */
  readonly requiresApproval: boolean;
  readonly timeoutMs: number;
  run(args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult>;
}

/**
 * A provider of tools whose list can change while the gateway runs (an MCP server that restarts).
 * The registry asks every source for its tools each time it builds a turn's tool list.
 */
export interface ToolSource {
  /** Shown in /ready and doctor: "mcp:files". */
  readonly id: string;
  tools(): readonly AgentTool[];
}

/** Nest token of the ToolSource list (built-in tools are one source, each MCP server another). */
export const TOOL_SOURCES = Symbol('TOOL_SOURCES');
