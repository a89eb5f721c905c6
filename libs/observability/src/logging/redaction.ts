/**
 * Log paths whose values are replaced before a line is written: credentials in request headers
 * and any field named like a secret, at the top level or one level down.
 */
const SECRET_FIELDS = [
  'token',
  'botToken',
  'accessToken',
  'refreshToken',
  'password',
  'secret',
  'apiKey',
  'api_key',
  'authorization',
  'cookie',
  'databaseUrl',
  'redisUrl',
];

const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-telegram-bot-api-secret-token',
  'x-slack-signature',
  'x-hub-signature-256',
];

export const REDACTED_LOG_PATHS: string[] = [
  ...SECRET_HEADERS.map((h) => `req.headers["${h}"]`),
  ...SECRET_HEADERS.map((h) => `res.headers["${h}"]`),
  ...SECRET_FIELDS.map((f) => f),
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];
