import type { InboundMessage, InboundOutcome } from '@switchboard/core';

/** An InboundSink for adapter specs that records messages; `answer` decides each call's outcome (resolve, throw, or wait). */
export function recordingSink(answer: (message: InboundMessage, call: number) => Promise<InboundOutcome> = async () => 'accepted') {
  const received: InboundMessage[] = [];
  const sink = (message: InboundMessage) => {
    received.push(message);
    return answer(message, received.length);
  };
  return { sink, received };
}

/** A promise and the function that resolves it, for holding a sink call open. */
export function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
