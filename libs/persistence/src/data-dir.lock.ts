import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from './private-files';

/**
 * An embedded PGlite folder may be opened by one process only; a second one would corrupt it.
 * The lock is a file holding the owner's pid. A lock left by a process that no longer runs
 * (kill -9, power loss) is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    ensurePrivateDir(dataDir);
    const file = path.join(dataDir, 'switchboard.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(fs.readFileSync(file, 'utf8').trim());
        if (owner && owner !== process.pid && isAlive(owner)) {
          throw new Error(
            `the data directory ${dataDir} is in use by process ${owner}; stop it or set SWITCHBOARD_DATA_DIR to another directory`,
          );
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`could not lock the data directory ${dataDir}`);
  }

  /** The pid of the process holding the lock, if one runs. */
  static holder(dataDir: string): number | undefined {
    try {
      const owner = Number(fs.readFileSync(path.join(dataDir, 'switchboard.lock'), 'utf8').trim());
      return owner && isAlive(owner) ? owner : undefined;
    } catch {
      return undefined;
    }
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
