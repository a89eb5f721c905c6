import { randomUUID } from 'node:crypto';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ReplicaBus } from '@switchboard/core';
import { Redis, RedisOptions } from 'ioredis';

// Client events (chat, device.pair.requested, ...) and internal ones (replica.device.revoked, ...).
const EVENT_NAME = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)*$/i;
const MAX_EVENT_NAME = 64;

/**
 * ReplicaBus on Redis pub/sub: every replica of a deployment (the same Redis database)
 * publishes its events of one topic (`control-plane`, `settings`) on one channel and hands the
 * others' to its subscriber. A message is
 * "<origin>\n<event>\n<payload JSON>"; a replica skips the messages it sent. Delivery is best
 * effort: while Redis is unreachable, events stay on the replica that produced them.
 */
export class RedisReplicaBus implements ReplicaBus, OnApplicationShutdown {
  private readonly logger = new Logger('ReplicaBus');
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly publisher: Redis;
  private subscriber: Redis | null = null;

  constructor(
    private readonly options: RedisOptions,
    topic = 'control-plane',
  ) {
    // Pub/sub channels span Redis databases; deployments on other databases must not hear this one.
    this.channel = `switchboard:${options.db ?? 0}:${topic}:events`;
    this.publisher = new Redis(options);
    this.publisher.on('error', (error: Error) => this.logger.warn(`publisher: ${error.message}`));
  }

  publish(event: string, payloadJson: string): void {
    // Queued while the first connection opens (a CLI publishes at once); dropped, not queued in
    // memory, while Redis is away later on.
    if (this.publisher.status !== 'ready' && this.publisher.status !== 'connecting' && this.publisher.status !== 'connect') {
      this.logger.warn(`event ${event} not sent to the other replicas: Redis is ${this.publisher.status}`);
      return;
    }
    this.publisher.publish(this.channel, `${this.origin}\n${event}\n${payloadJson}`).catch((error: Error) => {
      this.logger.warn(`event ${event} not sent to the other replicas: ${error.message}`);
    });
  }

  subscribe(deliver: (event: string, payloadJson: string) => void): void {
    if (this.subscriber) throw new Error('the replica bus has a subscriber already');
    const subscriber = new Redis(this.options);
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn(`subscriber: ${error.message}`));
    subscriber.on('message', (_channel: string, message: string) => {
      const event = this.parse(message);
      if (event) deliver(event.name, event.payloadJson);
    });
    subscriber.subscribe(this.channel).catch((error: Error) => this.logger.error(`cannot subscribe to ${this.channel}: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((client) => client?.quit().catch(() => client.disconnect())));
  }

  /** The event of another replica; null for this replica's own and for what no replica sends. */
  private parse(message: string): { name: string; payloadJson: string } | null {
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return this.refuse('not "<origin>\\n<event>\\n<payload>"');
    if (message.slice(0, first) === this.origin) return null;
    const name = message.slice(first + 1, second);
    if (name.length > MAX_EVENT_NAME || !EVENT_NAME.test(name)) return this.refuse(`not an event name: ${name.slice(0, MAX_EVENT_NAME)}`);
    const payloadJson = message.slice(second + 1);
    try {
      JSON.parse(payloadJson);
    } catch {
      return this.refuse(`event ${name} without a JSON payload`);
    }
    return { name, payloadJson };
  }

  private refuse(reason: string): null {
    this.logger.warn(`ignored a message on ${this.channel}: ${reason}`);
    return null;
  }
}
