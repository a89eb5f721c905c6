import type { GatewayProcess } from './gateway-process';

/** A channel's entry in a gateway's /ready (`state` when up, `message` when down), and the HTTP status. */
export interface ChannelReadiness {
  status: number;
  channel: { status?: string; state?: string; message?: string };
}

export async function channelReadiness(gateway: GatewayProcess, platform: string): Promise<ChannelReadiness> {
  const response = await fetch(`${gateway.url}/ready`);
  const body = (await response.json()) as { details?: Record<string, ChannelReadiness['channel']> };
  return { status: response.status, channel: body.details?.[`channel:${platform}`] ?? {} };
}

/** One sample of a `switchboard_*` metric from /metrics, summed over the label sets that match. */
export async function metricValue(gateway: GatewayProcess, name: string, labels: (line: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || (line.startsWith(`${name}{`) && labels(line)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Polls `condition` every 100 ms; fails naming `what` (and `context()`) after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number, context = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
