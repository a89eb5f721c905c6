import { Logger } from '@nestjs/common';
import * as lark from '@larksuiteoapi/node-sdk';
import { FeishuApiError, asFeishuError, isTokenInvalid, toDomainError } from './feishu.errors';

/** FEISHU_DOMAIN: `feishu`, `lark`, or a base URL. */
export function sdkDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

/**
 * The SDK's own log lines, through Nest's logger. Only strings pass: the SDK logs whole axios
 * errors, whose request fields hold the bearer token (and, for a refused token request, the App
 * Secret); the adapter reports failures itself, as DomainErrors.
 */
export function sdkLogger(context: string): lark.Logger {
  const logger = new Logger(context);
  // The SDK passes its arguments as one array.
  const text = (parts: unknown[]) =>
    parts
      .flat()
      .filter((part): part is string => typeof part === 'string')
      .join(' ');
  const log = (level: 'warn' | 'debug') => (...parts: unknown[]) => {
    const line = text(parts);
    if (line) logger[level](line);
  };
  return {
    error: log('warn'),
    warn: log('warn'),
    info: log('debug'),
    debug: () => undefined,
    trace: () => undefined,
  };
}

/**
 * The SDK's tenant_access_token cache, kept per adapter so a token Feishu calls invalid can be
 * dropped (the SDK's shared cache would keep serving it until it expires).
 */
type CacheKey = Parameters<lark.Cache['get']>[0];

export class TokenCache implements lark.Cache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  set(key: CacheKey, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean> {
    this.entries.set(this.name(key, options), { value, expiresAt: expire });
    return Promise.resolve(true);
  }

  get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.entries.get(this.name(key, options));
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt < Date.now())) return Promise.resolve(undefined);
    return Promise.resolve(entry.value);
  }

  clear(): void {
    this.entries.clear();
  }

  private name(key: CacheKey, options?: { namespace?: string }): string {
    return `${options?.namespace ?? ''}:${String(key)}`;
  }
}

type Answer = { code?: number; msg?: string } | undefined | null;

/**
 * Runs one Open Platform call: a non-zero `code` throws like an error status, a token Feishu
 * refuses is fetched afresh and the call made once more, and failures become DomainErrors.
 * `request` builds the call afresh each time (an upload's stream is read once).
 */
export async function callFeishu<T extends Answer>(operation: string, tokens: TokenCache, request: () => Promise<T>): Promise<T> {
  const once = async () => {
    try {
      const answer = await request();
      if (answer && typeof answer.code === 'number' && answer.code !== 0) throw new FeishuApiError(answer.code, answer.msg ?? '', 200, undefined);
      return answer;
    } catch (error) {
      throw asFeishuError(error);
    }
  };
  try {
    return await once();
  } catch (error) {
    if (!isTokenInvalid(error)) throw toDomainError(operation, error);
    tokens.clear();
    try {
      return await once();
    } catch (again) {
      throw toDomainError(operation, again);
    }
  }
}
