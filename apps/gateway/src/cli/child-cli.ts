import path from 'node:path';

// The `switchboard` CLI beside this file once built.
const CLI = path.join(__dirname, 'cli.js');

/**
 * How to run `switchboard <args>` in a child process with this process's configuration: the same
 * environment, and `configFile` (the --config it was started with) as SWITCHBOARD_CONFIG.
 */
export function childCli(args: string[], configFile: string | undefined): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    file: process.execPath,
    args: [CLI, ...args],
    env: { ...process.env, ...(configFile ? { SWITCHBOARD_CONFIG: configFile } : {}) },
  };
}
