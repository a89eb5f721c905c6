import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Backoff } from '@switchboard/channels/backoff';
import { type McpServerConfig, mcpToolPrefix } from '@switchboard/config';
import type { AgentTool, ToolCallContext, ToolResult, ToolSource } from '../agent-tool';
import { connectMcpClient, describeMcpServer, listAllTools, mcpErrorText } from './mcp-client';
import { toToolResult } from './mcp-tool-result';

export type McpServerState = 'connecting' | 'up' | 'down' | 'stopped';

/** Where a server stands, for /ready. */
export interface McpServerStatus {
  state: McpServerState;
  /** Tools offered now: 0 unless up. */
  tools: number;
  /** Why the last connection failed or ended. */
  lastError?: string;
  /** While down: when the next attempt starts (epoch ms). */
  retryAt?: number;
}

export interface McpConnectionTiming {
  /** Delays between attempts: 1 s doubling to 30 s, with jitter. */
  backoff: () => Backoff;
  /** Longest wait for the handshake (`npx -y` may download the server first), a tool list or a ping. */
  requestTimeoutMs: number;
  /** How often a connection is pinged; a failed ping counts as a lost connection (an HTTP server gone, a hung process). */
  pingIntervalMs: number;
  /** A connection that stayed up this long before it was lost is retried after the first delay again. */
  stableAfterMs: number;
}

const DEFAULT_TIMING: McpConnectionTiming = {
  backoff: () => new Backoff(1_000, 30_000),
  requestTimeoutMs: 60_000,
  pingIntervalMs: 30_000,
  stableAfterMs: 30_000,
};

/** What the model may call a tool: the prefix and the MCP name, other characters replaced by `_`. */
const AGENT_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Longest error text kept for /ready (a server's error page can be long). */
const MAX_ERROR_LENGTH = 200;

/** One connection's life, from connect to its end. */
interface Link {
  client: Client;
  /** Fired when the connection is found dead (process exit, a failed request or ping). */
  lost: AbortController;
  /** tools/list after tools/list_changed, one at a time. */
  listing: Promise<void>;
}

/**
 * One MCP server as a ToolSource (`mcp:<name>`): connected in the background, its tools offered
 * while it is up, reconnected with backoff when it dies (a stdio server's process is started
 * again), re-listed when it announces tools/list_changed, closed on stop (its process ends).
 */
export class McpServerConnection implements ToolSource {
  readonly id: string;
  private readonly logger: Logger;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private link: Link | undefined;
  private offered: readonly AgentTool[] = [];
  private current: McpServerStatus = { state: 'connecting', tools: 0 };
  private lastStderrLine: string | undefined;

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly timing: McpConnectionTiming = DEFAULT_TIMING,
  ) {
    this.id = `mcp:${name}`;
    this.logger = new Logger(`Mcp:${name}`);
  }

  /** Begins connecting and returns at once: a slow or broken server never holds up the caller. */
  start(): void {
    this.running ??= this.run();
  }

  /** Closes the connection (a stdio server's process ends) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('stopping'));
    this.link?.lost.abort(new Error('stopping'));
    await this.running;
    this.current = { ...this.current, state: 'stopped', tools: 0, retryAt: undefined };
  }

  tools(): readonly AgentTool[] {
    return this.live() ? this.offered : [];
  }

  status(): McpServerStatus {
    // Between the loss of a connection and the end of its closing, it is already down.
    const lost = this.current.state === 'up' ? this.link?.lost.signal : undefined;
    return lost?.aborted ? { state: 'down', tools: 0, lastError: errorText(lost.reason) } : this.current;
  }

  private live(): Link | undefined {
    return this.current.state === 'up' && this.link && !this.link.lost.signal.aborted ? this.link : undefined;
  }

  private async run(): Promise<void> {
    const backoff = this.timing.backoff();
    while (!this.stopping.signal.aborted) {
      this.current = { ...this.current, state: 'connecting', retryAt: undefined };
      const lost = new AbortController();
      let upSince: number | undefined;
      let reason: unknown;
      try {
        const link = await this.connect(lost);
        upSince = Date.now();
        this.logger.log(`connected to ${describeMcpServer(this.config)}: ${this.offered.length} tools`);
        await this.keepAlive(link);
        reason = lost.signal.reason;
      } catch (error) {
        reason = error;
      }
      if (this.stopping.signal.aborted) break;
      const lastError = errorText(reason);
      this.current = { state: 'down', tools: 0, lastError };
      await this.disconnect();
      if (upSince !== undefined && Date.now() - upSince >= this.timing.stableAfterMs) backoff.reset();
      const delayMs = backoff.next();
      this.current = { ...this.current, retryAt: Date.now() + delayMs };
      const stderr = this.lastStderrLine ? ` (last stderr line: ${this.lastStderrLine})` : '';
      this.logger.warn(`${upSince === undefined ? 'could not connect' : 'connection lost'}: ${lastError}${stderr}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
      await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
    await this.disconnect();
  }

  /** Connects, lists the tools and offers them; the link is dropped by `disconnect`. */
  private async connect(lost: AbortController): Promise<Link> {
    this.lastStderrLine = undefined;
    const signal = AbortSignal.any([this.stopping.signal, lost.signal]);
    const client = await connectMcpClient(this.config, {
      timeoutMs: this.timing.requestTimeoutMs,
      signal,
      onStderrLine: (line) => {
        this.lastStderrLine = errorText(line);
        this.logger.debug(line);
      },
    });
    const link: Link = { client, lost, listing: Promise.resolve() };
    this.link = link;
    client.onclose = () => lost.abort(new Error(this.config.url ? 'the connection closed' : 'the server process exited'));
    client.onerror = (error) => this.logger.debug(`transport: ${error.message}`);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      link.listing = link.listing.then(() => this.relist(link));
    });
    this.offer(await listAllTools(client, { timeoutMs: this.timing.requestTimeoutMs, signal }));
    this.current = { state: 'up', tools: this.offered.length };
    return link;
  }

  private async relist(link: Link): Promise<void> {
    try {
      const tools = await listAllTools(link.client, { timeoutMs: this.timing.requestTimeoutMs, signal: link.lost.signal });
      if (this.link !== link || this.current.state !== 'up') return;
      this.offer(tools);
      this.current = { ...this.current, tools: this.offered.length };
      this.logger.log(`tool list changed: ${this.offered.length} tools`);
    } catch (error) {
      this.failed(link, error);
      this.logger.warn(`listing the changed tools failed: ${mcpErrorText(error)}`);
    }
  }

  /** Pings the server every so often until the link is lost or the connection stops. */
  private async keepAlive(link: Link): Promise<void> {
    const ended = AbortSignal.any([this.stopping.signal, link.lost.signal]);
    while (!ended.aborted) {
      await sleep(this.timing.pingIntervalMs, undefined, { signal: ended }).catch(() => undefined);
      if (ended.aborted) return;
      try {
        await link.client.ping({ timeout: this.timing.requestTimeoutMs, signal: ended });
      } catch (error) {
        link.lost.abort(new Error(`ping failed: ${mcpErrorText(error)}`));
      }
    }
  }

  private async disconnect(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.offered = [];
    if (!link) return;
    await link.client.close().catch((error: unknown) => this.logger.warn(`close: ${mcpErrorText(error)}`));
  }

  /** A request that failed in the transport (not an MCP error answer) means the connection is gone. */
  private failed(link: Link, error: unknown): void {
    if (!(error instanceof McpError)) link.lost.abort(error);
  }

  private offer(tools: Tool[]): void {
    const prefix = mcpToolPrefix(this.name, this.config);
    const offered: AgentTool[] = [];
    const names = new Set<string>();
    for (const tool of tools) {
      const name = prefix + tool.name.replace(/[^a-zA-Z0-9_-]/g, '_');
      if (!AGENT_TOOL_NAME.test(name) || names.has(name)) {
        this.logger.warn(`tool "${tool.name}" left out: as "${name}" its name is ${names.has(name) ? 'taken by another of its tools' : 'longer than 64 characters'}`);
        continue;
      }
      names.add(name);
      offered.push(this.agentTool(tool, name));
    }
    const approval = this.config.requiresApproval;
    if (Array.isArray(approval)) {
      const unknown = approval.filter((listed) => !tools.some((tool) => tool.name === listed) && !names.has(listed));
      if (unknown.length) this.logger.warn(`requiresApproval names tools the server does not offer: ${unknown.join(', ')}`);
    }
    this.offered = offered;
  }

  private agentTool(tool: Tool, name: string): AgentTool {
    const approval = this.config.requiresApproval;
    return {
      name,
      description: tool.description ?? tool.title ?? `${tool.name} (MCP server ${this.name})`,
      parameters: parametersOf(tool),
      permission: this.config.permission,
      requiresApproval: Array.isArray(approval) ? approval.includes(tool.name) || approval.includes(name) : approval,
      timeoutMs: this.config.timeoutMs,
      run: (args, context) => this.call(tool.name, name, args, context),
    };
  }

  private async call(mcpName: string, name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    const link = this.live();
    if (!link) return { isError: true, content: `${name} cannot run now: the MCP server "${this.name}" is not connected.` };
    try {
      const result = await link.client.callTool({ name: mcpName, arguments: args }, undefined, { signal: context.signal, timeout: this.config.timeoutMs });
      return toToolResult(result);
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        return { isError: true, content: `${name} did not answer within ${this.config.timeoutMs} ms.` };
      }
      this.failed(link, error);
      return { isError: true, content: `${name} failed: ${mcpErrorText(error)}` };
    }
  }
}

/** The tool's input schema as the arguments' JSON Schema (without `$schema`, which some providers refuse). */
function parametersOf(tool: Tool): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = tool.inputSchema as Record<string, unknown>;
  return schema;
}

function errorText(error: unknown): string {
  return mcpErrorText(error).slice(0, MAX_ERROR_LENGTH);
}
