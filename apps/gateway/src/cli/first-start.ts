import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SwitchboardConfig } from '@switchboard/config';
import { childCli } from './child-cli';

const run = promisify(execFile);

/**
 * On the first start of an embedded gateway, creates and migrates its database with
 * `switchboard db migrate` in a process of its own. Creating the cluster and running the schema
 * engine grow memory (WebAssembly heaps) that a process never gives back; done apart, the gateway
 * starts with the memory of any later start.
 */
export async function createEmbeddedStoreApart(config: SwitchboardConfig, configFile: string | undefined): Promise<void> {
  if (config.database.url || fs.existsSync(path.join(config.database.dataDir, 'pglite'))) return;
  const migrate = childCli(['db', 'migrate'], configFile);
  try {
    await run(migrate.file, migrate.args, { env: migrate.env });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`creating the embedded database in ${config.database.dataDir} failed: ${stderr || String(error)}`);
  }
}
