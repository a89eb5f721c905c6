import { Command, InvalidArgumentError } from 'commander';
import { EarlyListener } from '../early-listener';
import { tuneV8ForGateway } from '../v8-tuning';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { createEmbeddedStoreApart } from './first-start';
import { generatedGatewayToken, webChatLine } from './generated-gateway-token';
import { stopOnSignals } from './stop-on-signals';

interface RunOptions {
  port?: number;
  host?: string;
  token?: string;
}

export function gatewayRunCommand(global: () => GlobalOptions): Command {
  return new Command('run')
    .description('run the gateway in the foreground (the default of `switchboard gateway`)')
    .option('-p, --port <port>', 'port to listen on (env PORT, default 18789)', parsePort)
    .option('-H, --host <host>', 'address to bind (env HOST, default 127.0.0.1)')
    // Other local users can read a process's arguments: the variable is the safer place.
    .option('--token <token>', 'control-plane gateway token (env GATEWAY_TOKEN, safer: arguments are visible in ps)')
    .action(async (options: RunOptions) => {
      const v8Tuning = tuneV8ForGateway();
      const config = loadCliConfig(global(), { PORT: options.port, HOST: options.host, GATEWAY_TOKEN: options.token });
      // Listen first: /health answers while the application loads and the database opens.
      const listener = new EarlyListener();
      const url = await listener.listen(config.gateway.port, config.gateway.host);
      const start = async () => {
        await createEmbeddedStoreApart(config, global().config);
        // After the store: a data directory that cannot be used is reported as such.
        const generatedToken = generatedGatewayToken(config);
        const { startGateway } = await import('../gateway.js');
        return { gateway: await startGateway(config, listener, url, global().config, generatedToken), generatedToken };
      };
      const { gateway, generatedToken } = await start().catch(async (error: unknown) => {
        await listener.close();
        // A half-built application still holds connections (Redis, the database pool) that would
        // keep the process alive, serving nothing, for ever. Exit non-zero instead, so that the
        // supervisor (systemd's Restart=on-failure, Docker's restart policy) starts it again.
        process.stderr.write(`switchboard: the gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      });
      v8Tuning.started();
      process.stdout.write(`Switchboard gateway listening on ${gateway.url}\n`);
      if (generatedToken) {
        process.stdout.write(`${webChatLine(gateway.url, generatedToken, config.database.dataDir, Boolean(process.stdout.isTTY))}\n`);
      }
      stopOnSignals(gateway.stop);
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number between 0 and 65535');
  return port;
}
