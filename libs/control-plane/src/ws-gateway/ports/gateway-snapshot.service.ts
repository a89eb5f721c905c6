import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { ProbeResult, ReadinessService } from '@switchboard/observability';
import { SessionRepository } from '@switchboard/persistence';
import { JOB_NAMES, QUEUE_DRIVER, QueueDriver } from '@switchboard/queue';
import { DEFAULT_CONVERSATION, resolveSessionKey } from '../../gateway-methods/sessions/webchat-session';
import { GatewaySnapshot, GatewaySnapshotView, HealthSummary, PresenceEntry } from '../../ws/ports/gateway-snapshot.port';
import { ConnectionInfo } from '../../ws/server/method.registry';
import { CONTROL_PLANE_MODULE_OPTIONS, ControlPlaneModuleOptions } from '../control-plane.module-definition';

// hello-ok reuses a summary this recent rather than probing on every connect.
/** Most recent client connections listed in presence. */
const PRESENCE_LIMIT = 100;
const HEALTH_MAX_AGE_MS = 10_000;
const CHANNEL_PROBE = 'channel:';
// Read once: it is a system call, and presence (which names it) is built on every handshake.
const HOST = hostname();

interface CachedHealth {
  summary: HealthSummary;
  /** What a client would notice changing: overall and per-part status. */
  state: string;
  atMs: number;
}

/**
 * What the control plane reports about the gateway: health (the /ready probes), presence (the
 * connected clients), status counts and the state versions that tell clients a snapshot changed.
 */
@Injectable()
export class GatewaySnapshotService implements GatewaySnapshot {
  private connections: () => ConnectionInfo[] = () => [];
  private cached: CachedHealth | undefined;
  private refreshing: Promise<HealthSummary> | undefined;
  private presenceState = '';
  private readonly versions = { presence: 0, health: 0 };

  constructor(
    private readonly readiness: ReadinessService,
    // Declared as the parts it reads, so a test passes just those.
    @Inject(SessionRepository) private readonly sessions: Pick<SessionRepository, 'count'>,
    @Inject(QUEUE_DRIVER) private readonly queue: Pick<QueueDriver, 'kind' | 'counts'>,
    @InjectConfig() private readonly config: SwitchboardConfig,
    @Inject(CONTROL_PLANE_MODULE_OPTIONS) private readonly options: ControlPlaneModuleOptions,
  ) {}

  /** The server's authenticated connections (the server needs this snapshot first, hence not injected). */
  bindConnections(list: () => ConnectionInfo[]): void {
    this.connections = list;
  }

  async current(): Promise<GatewaySnapshotView> {
    const health = this.cached ? this.recentHealth(this.cached) : await this.refresh();
    const presence = this.presence();
    const agentId = this.config.agent.id;
    return {
      presence,
      health,
      stateVersion: { ...this.versions },
      uptimeMs: uptimeMs(),
      sessionDefaults: { defaultAgentId: agentId, mainKey: DEFAULT_CONVERSATION, mainSessionKey: resolveSessionKey(agentId, DEFAULT_CONVERSATION) },
    };
  }

  async health(options: { probe?: boolean } = {}): Promise<HealthSummary> {
    const cached = this.cached;
    if (!options.probe && cached && Date.now() - cached.atMs < HEALTH_MAX_AGE_MS) return cached.summary;
    return this.refresh();
  }

  async status(): Promise<Record<string, unknown>> {
    const [health, sessionCount, queue] = await Promise.all([this.health(), this.sessions.count(), this.queueStatus()]);
    return {
      version: this.options.serverVersion,
      uptimeMs: uptimeMs(),
      agentId: this.config.agent.id,
      ok: health.ok,
      channels: health.channels,
      queue,
      sessions: { count: sessionCount },
      connections: { count: this.connections().length },
    };
  }

  // A stale summary is served while a fresh one is probed in the background.
  private recentHealth(cached: CachedHealth): HealthSummary {
    if (Date.now() - cached.atMs >= HEALTH_MAX_AGE_MS) void this.refresh();
    return cached.summary;
  }

  // One probe round at a time, however many callers ask.
  private refresh(): Promise<HealthSummary> {
    this.refreshing ??= this.probe().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async probe(): Promise<HealthSummary> {
    const started = performance.now();
    const results = await this.readiness.checkAll();
    const summary = healthSummary(results, Date.now(), Math.round(performance.now() - started));
    const state = JSON.stringify(results.map((result) => [result.name, result.ok]));
    if (state !== this.cached?.state) this.versions.health += 1;
    this.cached = { summary, state, atMs: Date.now() };
    return summary;
  }

  // Runs on every handshake: cheap in the number of connections. The list is capped so that a
  // gateway with thousands of clients does not send each newcomer all of them.
  private presence(): PresenceEntry[] {
    const connections = this.connections();
    const state = `${connections.length}:${connections.at(-1)?.connId ?? ''}`;
    if (state !== this.presenceState) {
      this.presenceState = state;
      this.versions.presence += 1;
    }
    const self = { host: HOST, mode: 'gateway', version: this.options.serverVersion, platform: process.platform, ts: Date.now() };
    return [self, ...connections.slice(-PRESENCE_LIMIT).map(presenceOf)];
  }

  private async queueStatus(): Promise<Record<string, unknown>> {
    try {
      const counts = await Promise.all(JOB_NAMES.map(async (name) => [name, await this.queue.counts(name)] as const));
      return { driver: this.queue.kind, jobs: Object.fromEntries(counts) };
    } catch (error) {
      return { driver: this.queue.kind, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function healthSummary(results: ProbeResult[], ts: number, durationMs: number): HealthSummary {
  const channels: HealthSummary['channels'] = {};
  const checks: Record<string, unknown> = {};
  for (const result of results) {
    const entry = { status: result.ok ? 'ok' : 'error', ...result.details, ...(result.error ? { error: result.error } : {}) };
    if (result.name.startsWith(CHANNEL_PROBE)) channels[result.name.slice(CHANNEL_PROBE.length)] = entry;
    else checks[result.name] = entry;
  }
  return { ok: results.every((result) => result.ok), ts, durationMs, channels, checks };
}

function presenceOf(connection: ConnectionInfo): PresenceEntry {
  const { client } = connection;
  return {
    connId: connection.connId,
    ip: connection.remoteIp,
    mode: client.mode,
    clientId: client.id,
    version: client.version,
    platform: client.platform,
    ...(client.displayName !== undefined ? { displayName: client.displayName } : {}),
    ...(client.instanceId !== undefined ? { instanceId: client.instanceId } : {}),
    ...(connection.deviceId !== undefined ? { deviceId: connection.deviceId } : {}),
    roles: [connection.role],
    scopes: connection.scopes,
    ts: connection.connectedAtMs,
  };
}

function uptimeMs(): number {
  return Math.round(process.uptime() * 1000);
}
