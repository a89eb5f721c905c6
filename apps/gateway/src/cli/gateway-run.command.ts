import { Command, InvalidArgumentError } from 'commander';
import { EarlyListener } from '../early-listener';
import { tuneV8ForGateway } from '../v8-tuning';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { createEmbeddedStoreApart } from './first-start';
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
        const { startGateway } = await import('../gateway.js');
        return startGateway(config, listener, url, global().config);
      };
      const gateway = await start().catch(async (error: unknown) => {
        await listener.close();
        throw error;
      });
      v8Tuning.started();
      process.stdout.write(`Switchboard gateway listening on ${gateway.url}\n`);
      stopOnSignals(gateway.stop);
    });
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number between 0 and 65535');
  return port;
}
