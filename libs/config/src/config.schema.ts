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
        concurrency: key(positiveInt('a positive whole number').default(8), {
          env: 'QUEUE_CONCURRENCY',
          description: 'Jobs processed at once per queue in this process.',
        }),
        attempts: key(positiveInt('a positive whole number').default(5), {
          env: 'QUEUE_ATTEMPTS',
          description: 'Tries per job before it goes to the dead-letter list.',
        }),
        backoffMs: key(positiveInt('a number of milliseconds').default(1_000), {
          env: 'QUEUE_BACKOFF_MS',
          description: 'First retry delay; doubles on each attempt, with jitter.',
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
  .strict();

export type SwitchboardConfig = z.infer<typeof configSchema>;
