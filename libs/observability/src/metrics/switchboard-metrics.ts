import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';

export interface QueueDepthSample {
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'dead';
  value: number;
}

/** Reads queue depths at scrape time (the queue driver owns the numbers). */
export type QueueDepthSource = () => Promise<QueueDepthSample[]>;

/**
 * The gateway's own Prometheus metrics, all prefixed `switchboard_`, in prom-client's default
 * registry next to the process metrics. Modules record through this service.
 */
@Injectable()
export class SwitchboardMetrics {
  private queueDepthSource?: QueueDepthSource;

  readonly messagesIn = fresh(
    new Counter({
      name: 'switchboard_messages_in_total',
      help: 'Inbound messages by platform and pipeline outcome (accepted, duplicate, denied, ignored, rate_limited, invalid, overloaded).',
      labelNames: ['platform', 'outcome'],
      registers: [],
    }),
  );

  readonly messagesOut = fresh(
    new Counter({
      name: 'switchboard_messages_out_total',
      help: 'Outbound messages sent to platforms.',
      labelNames: ['platform'],
      registers: [],
    }),
  );

  readonly webhooksRejected = fresh(
    new Counter({
      name: 'switchboard_webhooks_rejected_total',
      help: 'Webhook requests refused as not from the platform (wrong signature, secret or token: HTTP 401/403), by platform.',
      labelNames: ['platform'],
      registers: [],
    }),
  );

  readonly repliesFailed = fresh(
    new Counter({
      name: 'switchboard_replies_failed_total',
      help: 'Accepted messages given up on for good (their job dead-lettered or about to be; the chat is told): the model or the platform kept failing.',
      labelNames: ['platform'],
      registers: [],
    }),
  );

  readonly messagesRequeued = fresh(
    new Counter({
      name: 'switchboard_messages_requeued_total',
      help: 'Accepted messages queued again because their turn had not finished (queueing failed, a process died, the queue lost the job; at start: every unfinished one).',
      labelNames: ['reason'],
      registers: [],
    }),
  );

  readonly messagesPending = fresh(
    new Gauge({
      name: 'switchboard_messages_pending',
      help: 'Accepted messages waiting for an answer, counted once a second up to QUEUE_MAX_PENDING + 1 (100,000 without a bound).',
      registers: [],
    }),
  );

  readonly leasesHeld = fresh(
    new Gauge({
      name: 'switchboard_leases_held',
      help: 'Leases this process holds, by name (1 held, 0 not): which replica runs each singleton long connection, e.g. channel:telegram:default.',
      labelNames: ['name'],
      registers: [],
    }),
  );

  readonly llmLatency = fresh(
    new Histogram({
      name: 'switchboard_llm_request_duration_seconds',
      help: 'LLM request duration from call to last token, by provider, model and outcome.',
      labelNames: ['provider', 'model', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
      registers: [],
    }),
  );

  readonly llmTokens = fresh(
    new Counter({
      name: 'switchboard_llm_tokens_total',
      help: 'Tokens of agent turns as the providers reported them, by provider, model and direction (in: prompt, out: answer).',
      labelNames: ['provider', 'model', 'direction'],
      registers: [],
    }),
  );

  readonly wsConnections = fresh(
    new Gauge({
      name: 'switchboard_ws_connections',
      help: 'Open control-plane WebSocket connections by role.',
      labelNames: ['role'],
      registers: [],
    }),
  );

  readonly wsHandshakes = fresh(
    new Counter({
      name: 'switchboard_ws_handshakes_total',
      help: 'Control-plane handshakes by outcome: ok, a refusal code (AUTH_TOKEN_MISMATCH, PAIRING_REQUIRED, ...), timeout, closed, or upgrade-refused:<reason> before the socket opened.',
      labelNames: ['outcome'],
      registers: [],
    }),
  );

  readonly wsRpcDuration = fresh(
    new Histogram({
      name: 'switchboard_ws_rpc_duration_seconds',
      help: 'Control-plane method calls by method and outcome (ok, error), until the last response.',
      labelNames: ['method', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [],
    }),
  );

  readonly wsEventsDropped = fresh(
    new Counter({
      name: 'switchboard_ws_events_dropped_total',
      help: 'Control-plane events not delivered, by reason: slow-consumer (send buffer full), slow-consumer-disconnect (the socket was closed for it).',
      labelNames: ['reason'],
      registers: [],
    }),
  );

  readonly queueDepth = fresh(
    new Gauge({
      name: 'switchboard_queue_depth',
      help: 'Jobs per queue and state.',
      labelNames: ['queue', 'state'],
      registers: [],
      collect: () => this.collectQueueDepth(),
    }),
  );

  readonly buildInfo = fresh(
    new Gauge({
      name: 'switchboard_build_info',
      help: 'Always 1; the labels say what runs.',
      labelNames: ['version', 'database', 'queue'],
      registers: [],
    }),
  );

  setQueueDepthSource(source: QueueDepthSource): void {
    this.queueDepthSource = source;
  }

  private async collectQueueDepth(): Promise<void> {
    if (!this.queueDepthSource) return;
    const samples = await this.queueDepthSource();
    this.queueDepth.reset();
    for (const { queue, state, value } of samples) this.queueDepth.set({ queue, state }, value);
  }
}

// Registers the metric in the default registry, replacing one of the same name left by an
// earlier application instance in this process (tests build several).
function fresh<T extends Counter | Gauge | Histogram>(metric: T): T {
  const name = (metric as unknown as { name: string }).name;
  register.removeSingleMetric(name);
  register.registerMetric(metric);
  return metric;
}
