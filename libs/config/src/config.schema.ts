import { z } from 'zod';
import { dingtalkSchema } from './channels/dingtalk.schema';
import { discordSchema } from './channels/discord.schema';
import { flag, jsonMap, key, list, port, positiveInt, resetMode, url, wholeNumber } from './schema-helpers';
import { feishuSchema } from './channels/feishu.schema';
import { telegramSchema } from './channels/telegram.schema';
import { wecomSchema } from './channels/wecom.schema';
import { whatsappSchema } from './channels/whatsapp.schema';
import { genericWebhookSchema } from './channels/generic-webhook.schema';
import { mcpIssues, mcpServerName, mcpServerSchema } from './mcp.schema';
import { slackSchema } from './channels/slack.schema';

export type { ConfigKeyMeta } from './schema-helpers';
export { channelAccessSchema } from './schema-helpers';

/** provider:model, e.g. "anthropic:claude-sonnet-4-5" or "openai-compatible:gpt-4o-mini". */
const modelRef = z
  .string()
  .trim()
  .regex(/^(openai-compatible|anthropic|ollama|echo):\S+$/, 'expected provider:model with provider one of openai-compatible, anthropic, ollama, echo');

const busyMode = z.enum(['interrupt', 'queue', 'merge'], { error: 'expected one of interrupt, queue, merge' });

/** The tools the gateway itself provides (AGENT_TOOLS). */
export const BUILT_IN_TOOLS = ['current_time', 'session_info', 'http_fetch'] as const;
/** A list whose every item matches; the error names the first that does not (and the key, not an index). */
const listOf = <T extends string>(ok: (item: string) => item is T, expected: string) =>
  list.transform((items, context) => {
    const wrong = items.find((item) => !ok(item));
    if (wrong !== undefined) context.addIssue({ code: 'custom', message: `"${wrong}": ${expected}` });
    return items as T[];
  });
const builtInTools = listOf((item): item is (typeof BUILT_IN_TOOLS)[number] => (BUILT_IN_TOOLS as readonly string[]).includes(item), `expected tool names among ${BUILT_IN_TOOLS.join(', ')}`);
const toolNames = listOf((item): item is string => /^[a-zA-Z0-9_-]{1,64}$/.test(item), 'expected tool names (a-z A-Z 0-9 _ -)');
const hostNames = listOf((item): item is string => /^(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(item), 'expected host names, host:port or *.domain');

/** USD per million tokens, in and out. */
const modelPrice = z.object({ input: z.number().min(0), output: z.number().min(0) }, { error: 'expected {"input": <USD>, "output": <USD>} per million tokens' }).strict();

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
    telegram: telegramSchema,
    dingtalk: dingtalkSchema,
    feishu: feishuSchema,
    wecom: wecomSchema,
    whatsapp: whatsappSchema,
    webhook: genericWebhookSchema,
    slack: slackSchema,
    discord: discordSchema,
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
        prices: key(jsonMap(modelPrice, modelRef).default({}), {
          env: 'LLM_PRICES',
          description: 'USD per million tokens by provider:model, for the cost /usage estimates: {"anthropic:claude-sonnet-4-5": {"input": 3, "output": 15}}.',
        }),
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
        personalities: key(
          jsonMap(z.string().trim().min(1, 'expected a non-empty system prompt'), z.string().regex(/^[a-z0-9_-]{1,32}$/, 'expected names of 1-32 of a-z 0-9 _ -')).default({}),
          {
            env: 'AGENT_PERSONALITIES',
            description: 'Named system prompts a chat can switch to with /personality: {"pirate": "You talk like a pirate."}.',
          },
        ),
        busyMode: key(busyMode.default('interrupt'), {
          env: 'AGENT_BUSY_MODE',
          description: 'A message arriving while the agent answers in that chat: interrupt (stop and answer everything), queue (answer after), merge (answer with the next turn).',
        }),
        busyModeByPlatform: key(jsonMap(busyMode, z.string().regex(/^[a-z0-9_-]+$/, 'expected platform ids')).default({}), {
          env: 'AGENT_BUSY_MODE_BY_PLATFORM',
          description: 'AGENT_BUSY_MODE per platform: {"telegram": "queue"}; a chat can choose its own with /busy.',
        }),
        compressAtTokens: key(z.coerce.number().int().min(0).max(10_000_000).default(0), {
          env: 'AGENT_COMPRESS_AT_TOKENS',
          description:
            'Context compression: when the history sent with a turn is estimated (characters / 4) above this many tokens, its older part is summarised by the model and the summary is sent instead. 0: off (/compress still works).',
        }),
        compressTimeoutMs: key(z.coerce.number().int().min(1_000).max(600_000).default(60_000), {
          env: 'AGENT_COMPRESS_TIMEOUT_MS',
          description: 'How long a summary may take; a summary that fails or takes longer is skipped and the turn goes on with the history window.',
        }),
        tools: key(builtInTools.default([]), {
          env: 'AGENT_TOOLS',
          description: `Built-in tools the model may call (comma-separated): ${BUILT_IN_TOOLS.join(', ')}. None by default.`,
        }),
        toolMaxSteps: key(wholeNumber(1, 50).default(8), {
          env: 'AGENT_TOOL_MAX_STEPS',
          description: 'Model responses with tool calls per turn; after the last one the model answers without tools.',
        }),
        toolProgress: key(z.enum(['off', 'new', 'all'], { error: 'expected one of off, new, all' }).default('new'), {
          env: 'AGENT_TOOL_PROGRESS',
          description: 'Tool calls shown in the reply while it is written: off, new (a line when another tool starts), all (a line per call).',
        }),
        toolsRequiringApproval: key(toolNames.default([]), {
          env: 'AGENT_TOOLS_REQUIRING_APPROVAL',
          description: 'Tools (built-in or MCP, comma-separated) whose calls wait for /approve or /deny in the chat.',
        }),
        toolApprovalTtlSeconds: key(wholeNumber(1, 7 * 24 * 3600).default(900), {
          env: 'AGENT_TOOL_APPROVAL_TTL',
          description: 'Seconds a tool call waits for /approve or /deny; then it expires and the model is told.',
        }),
        httpFetchHosts: key(z.preprocess((value) => (typeof value === 'string' ? value.toLowerCase() : value), hostNames).default([]), {
          env: 'AGENT_HTTP_FETCH_HOSTS',
          description: 'Hosts the http_fetch tool may GET (host, host:port or *.example.com); nothing by default.',
        }),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        servers: key(jsonMap(mcpServerSchema, mcpServerName).default({}), {
          env: 'MCP_SERVERS',
          secret: true,
          description:
            'MCP servers whose tools the agent may call, by name: {"files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv"]}, "search": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer …"}}}; per server also env, cwd, prefix (default `<name>__`), requiresApproval (true or a list of tool names), permission (everyone|admins), timeoutMs (60000). See MCP servers.',
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
    cron: z
      .object({
        enabled: key(flag.default(true), {
          env: 'CRON_ENABLED',
          description: 'Whether this process fires scheduled prompts (/cron, `switchboard cron`). Every replica may: each tick fires once.',
        }),
        pollMs: key(positiveInt('a number of milliseconds').min(100, 'expected at least 100 milliseconds').default(1_000), {
          env: 'CRON_POLL_MS',
          description: 'Longest wait between two looks for due scheduled prompts (a schedule added or changed elsewhere is seen this late at most).',
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
        pairingCodeSecret: key(z.string().trim().min(32, 'expected at least 32 characters').optional(), {
          env: 'PAIRING_CODE_SECRET',
          secret: true,
          description:
            'Key of the HMAC under which pairing codes are stored. Unset: a random key made once in `pairing-code.key` in the data directory (0600). Replicas that share a database need the same key.',
        }),
        trustedProxies: key(list.default([]), {
          env: 'TRUSTED_PROXIES',
          description: 'Proxy addresses/CIDRs whose X-Forwarded-For is believed.',
        }),
        webhookIpAllow: key(list.default([]), { env: 'WEBHOOK_IP_ALLOW', description: 'CIDRs allowed on the webhook surface, /webhooks (empty: all).' }),
        webhookIpDeny: key(list.default([]), { env: 'WEBHOOK_IP_DENY', description: 'CIDRs refused on the webhook surface.' }),
        adminIpAllow: key(list.default([]), { env: 'ADMIN_IP_ALLOW', description: 'CIDRs allowed on the admin surface: /admin, /api/admin, /api/local (empty: all).' }),
        adminIpDeny: key(list.default([]), { env: 'ADMIN_IP_DENY', description: 'CIDRs refused on the admin surface.' }),
        controlIpAllow: key(list.default([]), {
          env: 'CONTROL_IP_ALLOW',
          description: 'CIDRs allowed on the control surface: the WebSocket and page at /, /chat, /v1, /metrics (empty: all).',
        }),
        controlIpDeny: key(list.default([]), { env: 'CONTROL_IP_DENY', description: 'CIDRs refused on the control surface.' }),
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
        maxUnauthenticatedPerIp: key(wholeNumber(1, 100_000).default(32), {
          env: 'CONTROL_PLANE_MAX_UNAUTHENTICATED_PER_IP',
          description: 'WebSocket sockets one client address may hold open before completing `connect`; more get HTTP 503.',
        }),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({
        sessionIdleMinutes: key(wholeNumber(1, 24 * 60).default(30), {
          env: 'ADMIN_SESSION_IDLE_MINUTES',
          description: 'Admin console sessions end after this many minutes without a request.',
        }),
        sessionMaxHours: key(wholeNumber(1, 24 * 30).default(12), {
          env: 'ADMIN_SESSION_MAX_HOURS',
          description: 'Admin console sessions end this many hours after sign-in, used or not.',
        }),
        loginMaxFailures: key(wholeNumber(1, 100).default(5), {
          env: 'ADMIN_LOGIN_MAX_FAILURES',
          description: 'Wrong passwords in a row that lock an operator account.',
        }),
        loginLockoutMinutes: key(wholeNumber(1, 24 * 60).default(15), {
          env: 'ADMIN_LOGIN_LOCKOUT_MINUTES',
          description: 'How long a locked operator account stays locked.',
        }),
        auditRetentionDays: key(wholeNumber(0, 36_500).default(0), {
          env: 'AUDIT_RETENTION_DAYS',
          description: 'Audit events older than this are pruned daily (the chain stays verifiable); 0 keeps them forever.',
        }),
      })
      .strict()
      .prefault({}),
    oidc: z
      .object({
        issuer: key(url(['https:', 'http:']).optional(), {
          env: 'OIDC_ISSUER',
          description: 'OpenID Connect issuer of the admin console\'s single sign-on (discovery at <issuer>/.well-known/openid-configuration). Unset: no SSO.',
        }),
        clientId: key(z.string().trim().min(1).optional(), { env: 'OIDC_CLIENT_ID', description: 'Client id registered at the identity provider.' }),
        clientSecret: key(z.string().min(1).optional(), { env: 'OIDC_CLIENT_SECRET', secret: true, description: 'Client secret (unset: a public client with PKCE only).' }),
        redirectUrl: key(url(['https:', 'http:']).optional(), {
          env: 'OIDC_REDIRECT_URL',
          description: 'Where the identity provider sends operators back: https://<gateway>/api/admin/auth/oidc/callback.',
        }),
        roleClaim: key(z.string().trim().min(1).default('groups'), {
          env: 'OIDC_ROLE_CLAIM',
          description: 'ID token / userinfo claim holding the operator\'s groups or roles (a string or a list).',
        }),
        roleMap: key(
          z
            .string()
            .trim()
            .regex(/^([^:,\s]+:(owner|admin|operator|auditor))(,[^:,\s]+:(owner|admin|operator|auditor))*$/, 'expected claim-value:role pairs such as "sb-admins:admin,sb-ops:operator"')
            .optional(),
          {
            env: 'OIDC_ROLE_MAP',
            description: 'Claim values mapped to roles, "sb-admins:admin,sb-ops:operator"; the strongest match wins. No match: sign-in refused.',
          },
        ),
        jit: key(flag.default(false), {
          env: 'OIDC_JIT',
          description: 'true: create an operator at first SSO sign-in; false: only operators created beforehand (same email) may sign in.',
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
    if (config.queue.workerProcesses > 0 && !config.redis.url) {
      ctx.addIssue({ code: 'custom', path: ['queue', 'workerProcesses'], message: 'needs REDIS_URL: worker processes share the BullMQ queues' });
    }
    if (config.oidc.issuer) {
      for (const name of ['clientId', 'redirectUrl', 'roleMap'] as const) {
        if (!config.oidc[name]) ctx.addIssue({ code: 'custom', path: ['oidc', name], message: 'required when OIDC_ISSUER is set' });
      }
    }
    for (const message of mcpIssues(config.mcp.servers)) ctx.addIssue({ code: 'custom', path: ['mcp', 'servers'], message });
    if (config.agent.tools.includes('http_fetch') && !config.agent.httpFetchHosts.length) {
      ctx.addIssue({ code: 'custom', path: ['agent', 'httpFetchHosts'], message: 'required when AGENT_TOOLS has http_fetch (the hosts it may reach)' });
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
  const blocks: Record<string, ChannelAccessConfig> = {
    telegram: config.telegram,
    dingtalk: config.dingtalk,
    feishu: config.feishu,
    wecom: config.wecom,
    whatsapp: config.whatsapp,
    generic: config.webhook,
    slack: config.slack,
    discord: config.discord,
  };
  return blocks[platform];
}
