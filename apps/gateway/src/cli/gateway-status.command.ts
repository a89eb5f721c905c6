import { Command } from 'commander';
import { GlobalOptions, gatewayBaseUrl, loadCliConfig } from './cli-config';
import { CheckRow, CliError, formatChecks } from './cli-output';
import { parsePort } from './gateway-run.command';

interface ReadyBody {
  status?: string;
  details?: Record<string, { status: string; message?: string } & Record<string, unknown>>;
}

export function gatewayStatusCommand(global: () => GlobalOptions): Command {
  return new Command('status')
    .description('ask the running gateway how each part is doing')
    .option('-p, --port <port>', 'port of the gateway (env PORT)', parsePort)
    .option('-H, --host <host>', 'host of the gateway (env HOST)')
    .action(async (options: { port?: number; host?: string }) => {
      const config = loadCliConfig(global(), { PORT: options.port, HOST: options.host });
      const base = gatewayBaseUrl(config);
      let response: Response;
      try {
        response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5_000) });
      } catch {
        throw new CliError(`no gateway answers at ${base} (is it running? start it with \`switchboard gateway\`)`);
      }
      const body = (await response.json().catch(() => ({}))) as ReadyBody;
      const rows: CheckRow[] = Object.entries(body.details ?? {}).map(([part, detail]) => {
        const { status, message, ...rest } = detail;
        const info = Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`).join(' ');
        return { part, status: status === 'up' ? 'ok' : 'failed', detail: message ?? info };
      });
      process.stdout.write(`gateway at ${base}: ${response.ok ? 'ready' : 'NOT ready'}\n${formatChecks(rows)}\n`);
      if (!response.ok) process.exitCode = 1;
    });
}
