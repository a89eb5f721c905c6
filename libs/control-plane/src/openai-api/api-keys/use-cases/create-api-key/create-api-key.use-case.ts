import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@switchboard/core';
import { ApiKeyRepository } from '@switchboard/persistence';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { generateApiKey } from '../../api-key-secret';
import { API_KEY_SCOPES } from '../../api-key-scopes';

const newApiKeySchema = z.object({
  name: z
    .string({ error: 'expected a name' })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, dots, dashes or underscores'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: `expected scopes among ${API_KEY_SCOPES.join(', ')}` }))
    .transform((scopes) => [...new Set(scopes)])
    .default([]),
  rateLimitPerMinute: z
    .number({ error: 'expected a whole number of requests per minute' })
    .int('expected a whole number of requests per minute')
    .min(1, 'expected at least 1 request per minute')
    .max(1_000_000, 'expected at most 1000000 requests per minute')
    .nullable()
    .default(null),
});

/** What an operator gives to create a key (scopes: chat, models; none = all); validated here, whoever calls. */
export interface NewApiKeyInput {
  name: string;
  scopes?: string[];
  rateLimitPerMinute?: number | null;
}

export interface CreatedApiKey {
  /** The key itself. It is not stored: this is the only time anyone sees it. */
  key: string;
  apiKey: ApiKeyRecord;
}

/** Creates a key for the OpenAI-compatible API; only its SHA-256 is kept. */
@Injectable()
export class CreateApiKeyUseCase {
  private readonly logger = new Logger('ApiKeys');

  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(input: NewApiKeyInput, actor: string, now = new Date()): Promise<CreatedApiKey> {
    const parsed = newApiKeySchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError(ErrorCode.INVALID_INPUT, `${issue.path[0] === undefined ? 'input' : String(issue.path[0])}: ${issue.message}`);
    }
    const { name, scopes, rateLimitPerMinute } = parsed.data;
    const { key, keyHash, prefix } = generateApiKey();
    const apiKey = await this.keys.insert({ name, prefix, keyHash, scopes, rateLimitPerMinute, createdBy: actor, createdAt: now });
    // Names stay taken after a revocation, so that logs and listings keep meaning one key.
    if (!apiKey) throw new DomainError(ErrorCode.CONFLICT, `an API key named "${name}" already exists (names stay taken after revocation)`);
    this.logger.log(`${actor} created API key "${name}" (${prefix}…)`);
    return { key, apiKey };
  }
}
