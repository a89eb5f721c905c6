import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '@switchboard/persistence';

/** What a running gateway tells local CLI commands: where it listens and the secret to use. */
export interface RuntimeInfo {
  pid: number;
  url: string;
  token: string;
}

const FILE = 'gateway.json';

/**
 * `<dataDir>/gateway.json`, readable by the owner only (0600, in a 0700 directory, also when an
 * older file had another mode). CLI commands that change state find the running gateway through
 * it (a PGlite folder can be open in one process only).
 */
export function writeRuntimeFile(dataDir: string, published: Pick<RuntimeInfo, 'url' | 'token'>): RuntimeInfo {
  const info: RuntimeInfo = { pid: process.pid, ...published };
  writePrivateFile(path.join(dataDir, FILE), JSON.stringify(info));
  return info;
}

export function removeRuntimeFile(dataDir: string): void {
  const file = path.join(dataDir, FILE);
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeInfo;
    if (info.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** The running gateway's runtime info, or undefined when none runs for this data dir. */
export function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8')) as RuntimeInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
