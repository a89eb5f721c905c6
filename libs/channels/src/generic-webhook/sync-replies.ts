/** A reply handed to a waiting request. */
export interface SyncReply {
  id: string;
  text: string;
}

interface Waiter {
  settled: boolean;
  resolve: (reply: SyncReply) => void;
}

/**
 * Requests that asked for `"reply": "sync"`, waiting per chat, oldest first. The adapter's send()
 * hands the next reply to a chat to its oldest waiter instead of the callback URL. Only this process
 * sees its waiters: a reply sent by another replica's worker goes to the callback, and the request
 * here times out with 202.
 */
export class SyncReplies {
  private readonly waiting = new Map<string, Waiter[]>();

  /** Waits up to `timeoutMs` for the next reply to `chatId`; undefined when none came in time. */
  wait(chatId: string, timeoutMs: number): { reply: Promise<SyncReply | undefined>; cancel: () => SyncReply | undefined } {
    let received: SyncReply | undefined;
    let finish: (reply: SyncReply | undefined) => void = () => undefined;
    const waiter: Waiter = {
      settled: false,
      resolve: (reply) => {
        received = reply;
        finish(reply);
      },
    };
    this.waiting.set(chatId, [...(this.waiting.get(chatId) ?? []), waiter]);
    const cancel = () => {
      if (!waiter.settled) this.remove(chatId, waiter);
      return received;
    };
    const reply = new Promise<SyncReply | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(cancel()), timeoutMs);
      finish = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
    return { reply, cancel };
  }

  /** Hands `reply` to the oldest request waiting on `chatId`; false when none waits. */
  deliver(chatId: string, reply: SyncReply): boolean {
    const waiter = this.waiting.get(chatId)?.[0];
    if (!waiter) return false;
    this.remove(chatId, waiter);
    waiter.resolve(reply);
    return true;
  }

  private remove(chatId: string, waiter: Waiter): void {
    waiter.settled = true;
    const rest = (this.waiting.get(chatId) ?? []).filter((other) => other !== waiter);
    if (rest.length > 0) this.waiting.set(chatId, rest);
    else this.waiting.delete(chatId);
  }
}
