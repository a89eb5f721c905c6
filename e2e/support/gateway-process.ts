import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyMigratedPglite } from '@switchboard/persistence/security/testing-databases';

export const ROOT = path.resolve(__dirname, '../..');
export const GATEWAY_MAIN = path.join(ROOT, 'dist/apps/gateway/src/main.js');
export const CLI = path.join(ROOT, 'bin/switchboard.js');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A gateway started as a child process from the build, the way `npm start` runs it. */
export class GatewayProcess {
  url = '';
  stdout = '';
  stderr = '';
  private readonly exited: Promise<ProcessResult>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  /**
   * Starts the gateway on a free port and resolves once it prints its URL. An embedded gateway
   * with an empty data directory gets a copy of a migrated database first (migrating PGlite from
   * nothing takes seconds, tens of them on a loaded host), unless `firstStart` asks for the real
   * first start.
   */
  static async start(env: Record<string, string>, args: string[] = [], options: { firstStart?: boolean } = {}): Promise<GatewayProcess> {
    const dataDir = env.SWITCHBOARD_DATA_DIR;
    if (!options.firstStart && !env.DATABASE_URL && dataDir && !fs.existsSync(path.join(dataDir, 'pglite'))) {
      await copyMigratedPglite(dataDir);
    }
    const gateway = GatewayProcess.spawn(env, args);
    await gateway.waitForUrl();
    return gateway;
  }

  static spawn(env: Record<string, string>, args: string[] = []): GatewayProcess {
    const child = spawn(process.execPath, [GATEWAY_MAIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new GatewayProcess(child);
  }

  // Generous: an embedded gateway starting on a loaded 2-core host has taken over 60 s.
  async waitForUrl(timeoutMs = 90_000): Promise<string> {
    const started = Date.now();
    while (!this.url) {
      const match = /listening on (http:\/\/\S+)/.exec(this.stdout);
      if (match) this.url = match[1];
      else if (this.child.exitCode !== null) throw new Error(`gateway exited (${this.child.exitCode}): ${this.stderr}${this.stdout}`);
      else if (Date.now() - started > timeoutMs) throw new Error(`gateway did not start in ${timeoutMs} ms: ${this.stderr}`);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.url;
  }

  exit(): Promise<ProcessResult> {
    return this.exited;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Runs a command to completion and collects its output. */
export function run(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sb-${prefix}-`));
}
