import { z } from 'zod';

/**
 * Metadata on every leaf of the schema: the environment variable that sets it, whether it is a
 * secret (never logged, masked in the admin console) and a line for the configuration reference.
 */
export interface ConfigKeyMeta {
  env: string;
  description: string;
  secret?: boolean;
}

const key = <T extends z.ZodType>(schema: T, meta: ConfigKeyMeta): T => schema.meta({ ...meta });

const port = z.coerce
  .number({ error: 'expected a TCP port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

const wholeNumber = (min: number, max: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
};
const positiveInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected ${what}`).positive(`expected ${what}`);

/** Accepts true/false/1/0/yes/no/on/off (environment variables are strings). */
const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
}, z.boolean({ error: 'expected true or false' }));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** A comma-separated list in an environment variable, or a YAML list. */
const list = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value),
  z.array(z.coerce.string().trim().min(1, 'expected non-empty items')),
);

const dmPolicy = z.enum(['pairing', 'allowlist', 'open', 'disabled'], {
  error: 'expected one of pairing, allowlist, open, disabled',
});

const resetMode = z.enum(['daily', 'idle', 'both', 'never'], { error: 'expected one of daily, idle, both, never' });

/** provider:model, e.g. "anthropic:claude-sonnet-4-5" or "openai-compatible:gpt-4o-mini". */
const modelRef = z
  .string()
  .trim()
  .regex(/^(openai-compatible|anthropic|ollama|echo):\S+$/, 'expected provider:model with provider one of openai-compatible, anthropic, ollama, echo');

/**
 * Who may talk to the bot on one platform and how; every platform block has these keys with its
 * own prefix (TELEGRAM_ALLOWED_USERS, SLACK_ALLOWED_USERS, ...).
 */
export function channelAccessSchema(prefix: string, platform: string) {
  return {
    allowedUsers: key(list.default([]), {
      env: `${prefix}_ALLOWED_USERS`,
      description: `${platform} user ids allowed to talk to the agent (added to the database allowlist).`,
    }),
    adminUsers: key(list.default([]), {
      env: `${prefix}_ADMIN_USERS`,
      description: `${platform} user ids that may run admin-only commands.`,
    }),
    dmPolicy: key(dmPolicy.default('pairing'), {
      env: `${prefix}_DM_POLICY`,
      description: 'Direct messages from unknown users: pairing (send a code to approve), allowlist (ignore), open, disabled.',
    }),
    allowedGroups: key(list.default([]), {
      env: `${prefix}_ALLOWED_GROUPS`,
      description: `${platform} group/chat ids the bot answers in (when mentioned or replied to).`,
    }),
    sessionReset: key(resetMode.optional(), {
      env: `${prefix}_SESSION_RESET`,
      description: 'Overrides SESSION_RESET for this platform.',
    }),
  };
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: 'expected one of fatal, error, warn, info, debug, trace, silent',
});

export const configSchema = z
  .object({
    gateway: z
      .object({
        port: key(port.default(18789), { env: 'PORT', description: 'HTTP and WebSocket port.' }),
        host: key(z.string().trim().min(1, 'expected a host name or IP address').default('127.0.0.1'), {
          env: 'HOST',
          description: 'Address to bind. 127.0.0.1 keeps the gateway local; 0.0.0.0 exposes it.',
        }),
        shutdownTimeoutMs: key(positiveInt('a number of milliseconds').default(10_000), {
          env: 'SWITCHBOARD_SHUTDOWN_TIMEOUT_MS',
          description: 'On SIGTERM/SIGINT, how long in-flight jobs may run before the process exits anyway.',
        }),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: key(url(['postgres:', 'postgresql:']).optional(), {
          env: 'DATABASE_URL',
          secret: true,
          description: 'PostgreSQL connection string. Unset: embedded PGlite in the data directory.',
        }),
        dataDir: key(z.string().trim().min(1, 'expected a directory path').default('./data'), {
          env: 'SWITCHBOARD_DATA_DIR',
          description: 'Directory for embedded data (PGlite database, runtime file).',
        }),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: key(url(['redis:', 'rediss:']).optional(), {
          env: 'REDIS_URL',
          secret: true,
          description: 'Redis connection string. Set: BullMQ queues. Unset: in-process queue backed by the database.',
        }),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        concurrency: key(positiveInt('a positive whole number').default(64), {
          env: 'QUEUE_CONCURRENCY',
          description: 'Jobs processed at once per queue in this process (turns mostly wait on the model, so keep it well above the core count).',
        }),
        attempts: key(positiveInt('a positive whole number').default(5), {
          env: 'QUEUE_ATTEMPTS',
          description: 'Tries per job before it goes to the dead-letter list.',
        }),
        backoffMs: key(positiveInt('a number of milliseconds').default(1_000), {
          env: 'QUEUE_BACKOFF_MS',
          description: 'First retry delay; doubles on each attempt, with jitter.',
        }),
        requeueAfterMs: key(positiveInt('a number of milliseconds').min(1_000, 'expected at least 1000 milliseconds').default(30_000), {
          env: 'QUEUE_REQUEUE_AFTER_MS',
          description:
            'An accepted message whose turn has not finished is queued again this long after it was last queued (its queueing failed, a process died, the queue lost the job). Queueing again is harmless: a queued or finished message is not run twice.',
        }),
        maxPending: key(wholeNumber(0, 10_000_000).default(10_000), {
          env: 'QUEUE_MAX_PENDING',
          description:
            'Accepted messages waiting for an answer beyond which webhooks are refused with 503 (the platform delivers them again later) and polling waits, so a backlog stays bounded when the model cannot keep up. 0: no bound.',
        }),
        workerProcesses: key(wholeNumber(0, 64).default(0), {
          env: 'QUEUE_WORKER_PROCESSES',
          description:
            'Worker processes the gateway starts to answer queued messages (BullMQ only), so acks and turns use separate cores. 0: the gateway answers them itself. `switchboard worker` runs one on any machine.',
        }),
      })
      .strict()
      .prefault({}),
    telegram: z
      .object({
        botToken: key(z.string().trim().regex(/^\d+:[\w-]{20,}$/, 'expected a bot token like 123456:ABC... from @BotFather').optional(), {
          env: 'TELEGRAM_BOT_TOKEN',
          secret: true,
          description: 'Bot token from @BotFather. Set: the Telegram channel is on.',
        }),
        mode: key(z.enum(['webhook', 'polling'], { error: 'expected webhook or polling' }).default('polling'), {
          env: 'TELEGRAM_MODE',
          description: 'polling (long polling getUpdates) or webhook (POST /webhooks/telegram).',
        }),
        webhookSecret: key(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16-256 characters of A-Z a-z 0-9 _ -').optional(), {
          env: 'TELEGRAM_WEBHOOK_SECRET',
          secret: true,
          description: 'Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required in webhook mode.',
        }),
        webhookUrl: key(url(['https:', 'http:']).optional(), {
          env: 'TELEGRAM_WEBHOOK_URL',
          description: 'Public URL of /webhooks/telegram to register with setWebhook at start (optional).',
        }),
        apiRoot: key(url(['https:', 'http:']).default('https://api.telegram.org'), {
          env: 'TELEGRAM_API_ROOT',
          description: 'Bot API server (a self-hosted one, or a fake in tests).',
        }),
        ...channelAccessSchema('TELEGRAM', 'Telegram'),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        provider: key(z.enum(['openai-compatible', 'anthropic', 'ollama', 'echo'], {
          error: 'expected one of openai-compatible, anthropic, ollama, echo',
        }).optional(), {
          env: 'LLM_PROVIDER',
          description: 'Model provider. Unset: the gateway runs and tells users no model is configured.',
        }),
        model: key(z.string().trim().min(1).optional(), { env: 'LLM_MODEL', description: 'Model name for LLM_PROVIDER.' }),
        fallbacks: key(z.preprocess(
          (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value),
          z.array(modelRef),
        ).default([]), {
          env: 'LLM_FALLBACKS',
          description: 'Comma-separated provider:model list tried in order when the main model fails.',
        }),
        timeoutMs: key(positiveInt('a number of milliseconds').default(120_000), {
          env: 'LLM_TIMEOUT_MS',
          description: 'Longest wait for a model request, first byte to last.',
        }),
        maxRetries: key(z.coerce.number().int().min(0).max(10).default(2), {
          env: 'LLM_MAX_RETRIES',
          description: 'Retries of a failed request (429 retry-after is honoured) before the next fallback.',
        }),
        openaiBaseUrl: key(url(['https:', 'http:']).optional(), {
          env: 'OPENAI_BASE_URL',
          description: 'OpenAI-compatible endpoint (OpenAI, Kimi, DeepSeek, Qwen, vLLM, Ollama /v1).',
        }),
        openaiApiKey: key(z.string().trim().min(1).optional(), { env: 'OPENAI_API_KEY', secret: true, description: 'API key for OPENAI_BASE_URL.' }),
        anthropicBaseUrl: key(url(['https:', 'http:']).optional(), { env: 'ANTHROPIC_BASE_URL', description: 'Anthropic API endpoint.' }),
        anthropicApiKey: key(z.string().trim().min(1).optional(), { env: 'ANTHROPIC_API_KEY', secret: true, description: 'Anthropic API key.' }),
        ollamaHost: key(url(['https:', 'http:']).optional(), { env: 'OLLAMA_HOST', description: 'Ollama server, e.g. http://127.0.0.1:11434.' }),
      })
      .strict()
      .prefault({}),
    agent: z
      .object({
        id: key(z.string().trim().regex(/^[a-z0-9_-]{1,32}$/, 'expected 1-32 of a-z 0-9 _ -').default('main'), {
          env: 'AGENT_ID',
          description: 'Agent id, part of every session key.',
        }),
        systemPrompt: key(z.string().default('You are a helpful assistant. Answer concisely.'), {
          env: 'AGENT_SYSTEM_PROMPT',
          description: 'System prompt (the personality).',
        }),
        historyMessages: key(z.coerce.number().int().min(0).max(500).default(20), {
          env: 'AGENT_HISTORY_MESSAGES',
          description: 'Earlier messages of the session sent with each turn.',
        }),
        streamEditIntervalMs: key(z.coerce.number().int().min(200).max(60_000).default(1_000), {
          env: 'AGENT_STREAM_EDIT_INTERVAL_MS',
          description: 'How often a streamed reply is edited in place on platforms that can edit.',
        }),
        maxOutputTokens: key(positiveInt('a positive whole number').default(2_048), {
          env: 'AGENT_MAX_OUTPUT_TOKENS',
          description: 'Upper bound on tokens per reply.',
        }),
      })
      .strict()
      .prefault({}),
    sessions: z
      .object({
        reset: key(resetMode.default('daily'), {
          env: 'SESSION_RESET',
          description: 'When a conversation starts afresh: daily (at SESSION_RESET_HOUR), idle, both, never.',
        }),
        resetHour: key(z.coerce.number().int().min(0).max(23).default(4), {
          env: 'SESSION_RESET_HOUR',
          description: 'Hour (gateway local time) of the daily reset.',
        }),
        idleMinutes: key(positiveInt('a positive whole number').default(1_440), {
          env: 'SESSION_IDLE_MINUTES',
          description: 'Minutes of silence after which an idle reset happens.',
        }),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        allowAllUsers: key(flag.default(false), {
          env: 'GATEWAY_ALLOW_ALL_USERS',
          description: 'true: anyone may talk to the agent (turns off the default-deny allowlist).',
        }),
        allowedUsers: key(list.default([]), {
          env: 'GATEWAY_ALLOWED_USERS',
          description: 'User ids allowed on every platform (added to the database allowlist).',
        }),
        adminUsers: key(list.default([]), {
          env: 'GATEWAY_ADMIN_USERS',
          description: 'User ids that are admins on every platform.',
        }),
        commandPermissions: key(z.string().trim().optional(), {
          env: 'GATEWAY_COMMAND_PERMISSIONS',
          description: 'Who may run each slash command: "model:admins;reset:everyone;debug:123,456".',
        }),
        rateLimitPerMinute: key(z.coerce.number().int().min(0).default(20), {
          env: 'RATE_LIMIT_PER_MINUTE',
          description: 'Messages per user per minute (0: no limit).',
        }),
        rateLimitPerHour: key(z.coerce.number().int().min(0).default(300), {
          env: 'RATE_LIMIT_PER_HOUR',
          description: 'Messages per user per hour (0: no limit).',
        }),
        trustedProxies: key(list.default([]), {
          env: 'TRUSTED_PROXIES',
          description: 'Proxy addresses/CIDRs whose X-Forwarded-For is believed.',
        }),
        webhookIpAllow: key(list.default([]), { env: 'WEBHOOK_IP_ALLOW', description: 'CIDRs allowed to call /webhooks (empty: all).' }),
        webhookIpDeny: key(list.default([]), { env: 'WEBHOOK_IP_DENY', description: 'CIDRs refused on /webhooks.' }),
        adminIpAllow: key(list.default([]), { env: 'ADMIN_IP_ALLOW', description: 'CIDRs allowed to call the admin API (empty: all).' }),
        adminIpDeny: key(list.default([]), { env: 'ADMIN_IP_DENY', description: 'CIDRs refused on the admin API.' }),
        controlIpAllow: key(list.default([]), {
          env: 'CONTROL_IP_ALLOW',
          description: 'CIDRs allowed on the control plane (WebSocket, /v1) (empty: all).',
        }),
        controlIpDeny: key(list.default([]), { env: 'CONTROL_IP_DENY', description: 'CIDRs refused on the control plane.' }),
      })
      .strict()
      .prefault({}),
    controlPlane: z
      .object({
        token: key(z.string().trim().min(16, 'expected at least 16 characters').optional(), {
          env: 'GATEWAY_TOKEN',
          secret: true,
          description:
            'Shared secret of WebSocket control-plane clients (connect.auth.token); grants every operator scope. Unset (and no password): devices sign in by their key once approved with `switchboard devices approve`.',
        }),
        password: key(z.string().min(8, 'expected at least 8 characters').optional(), {
          env: 'GATEWAY_PASSWORD',
          secret: true,
          description: 'Alternative shared secret for the control plane (connect.auth.password); same rights as GATEWAY_TOKEN.',
        }),
        maxPayloadBytes: key(z.coerce.number().int().min(64 * 1024, 'expected at least 65536 bytes').max(64 * 1024 * 1024, 'expected at most 67108864 bytes').default(1024 * 1024), {
          env: 'CONTROL_PLANE_MAX_PAYLOAD_BYTES',
          description: 'Largest WebSocket frame an authenticated control-plane client may send (larger: closed 1009).',
        }),
        tickMs: key(z.coerce.number().int().min(1_000, 'expected at least 1000 ms').max(300_000, 'expected at most 300000 ms').default(15_000), {
          env: 'CONTROL_PLANE_TICK_MS',
          description: 'Interval of the control-plane `tick` event; clients treat twice this silence as a dead link.',
        }),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: key(logLevel.default('info'), { env: 'LOG_LEVEL', description: 'Log level.' }),
        pretty: key(flag.optional(), {
          env: 'LOG_PRETTY',
          description: 'Human-readable logs. Default: on when stdout is a terminal, JSON otherwise.',
        }),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.telegram.botToken && config.telegram.mode === 'webhook' && !config.telegram.webhookSecret) {
      ctx.addIssue({ code: 'custom', path: ['telegram', 'webhookSecret'], message: 'required when TELEGRAM_MODE is webhook' });
    }
    if (config.queue.workerProcesses > 0 && !config.redis.url) {
      ctx.addIssue({ code: 'custom', path: ['queue', 'workerProcesses'], message: 'needs REDIS_URL: worker processes share the BullMQ queues' });
    }
    if (config.llm.provider && config.llm.provider !== 'echo' && !config.llm.model) {
      ctx.addIssue({ code: 'custom', path: ['llm', 'model'], message: `required when LLM_PROVIDER is ${config.llm.provider}` });
    }
  });

export type SwitchboardConfig = z.infer<typeof configSchema>;

/** The access settings every platform block shares (see channelAccessSchema). */
export type ChannelAccessConfig = Pick<
  SwitchboardConfig['telegram'],
  'allowedUsers' | 'adminUsers' | 'dmPolicy' | 'allowedGroups' | 'sessionReset'
>;

/** The access block of a platform, or undefined for a platform without one. */
export function channelAccessConfig(config: SwitchboardConfig, platform: string): ChannelAccessConfig | undefined {
  const blocks: Record<string, ChannelAccessConfig> = { telegram: config.telegram };
  return blocks[platform];
}
