import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

/** Connects once and PINGs; resolves with the server version, rejects with the reason. */
export async function pingRedis(url: string, timeoutMs = 3_000): Promise<string> {
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a generic "Connection is closed"; the error event has the cause.
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect().catch((error: Error) => {
      throw cause ?? error;
    });
    await client.ping();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}
