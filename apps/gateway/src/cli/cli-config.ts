import { ConfigError, LoadConfigOptions, SwitchboardConfig, loadConfig } from '@switchboard/config';
import { CliError } from './cli-output';

/** Exit status for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

export interface GlobalOptions {
  config?: string;
}

/** Loads and validates the configuration; a problem becomes one line naming the key. */
export function loadCliConfig(
  global: GlobalOptions,
  overrides: LoadConfigOptions['overrides'] = {},
  envOverlay: Record<string, string> = {},
): SwitchboardConfig {
  try {
    return loadConfig({ configFile: global.config, overrides, envOverlay });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT_CONFIG);
    throw error;
  }
}

/** Where a CLI command reaches the local gateway (a wildcard bind is reached on loopback). */
export function gatewayBaseUrl(config: SwitchboardConfig): string {
  const host = ['0.0.0.0', '::'].includes(config.gateway.host) ? '127.0.0.1' : config.gateway.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.gateway.port}`;
}
