import { Logger as NestLogger } from '@nestjs/common';
import { LogLevel, webApi, type Logger } from '@slack/bolt';

/**
 * The Slack SDKs' log lines, through Nest's logger. Only strings pass (the SDKs may log request
 * options, which hold tokens); their errors are warnings: the adapter reports failures itself.
 */
export function sdkLogger(context: string): Logger {
  const logger = new NestLogger(context);
  const text = (parts: unknown[]) => parts.filter((part): part is string => typeof part === 'string').join(' ');
  const warn = (...parts: unknown[]) => {
    const line = text(parts);
    if (line) logger.warn(line);
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn,
    error: warn,
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

/**
 * A Web API client that fails fast: no retries of its own and a 429 thrown with its Retry-After,
 * so the gateway's queue decides when to try again (a retried chat.postMessage could post twice).
 */
export function webClient(token: string, slackApiUrl: string): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 30_000,
    logger: sdkLogger('SlackWebApi'),
  });
}
