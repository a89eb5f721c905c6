/**
 * SIGTERM/SIGINT: stop taking input, drain, exit 0. A second signal exits at once. Returns a
 * function that starts the same shutdown for another reason.
 */
export function stopOnSignals(stop: () => Promise<void>): (reason: string) => void {
  let stopping = false;
  const shutDown = (reason: string) => {
    if (stopping) {
      process.stderr.write(`${reason} again: exiting without waiting\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${reason}: shutting down (draining in-flight jobs)\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  return shutDown;
}
