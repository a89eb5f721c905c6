import { readFileSync } from 'node:fs';
import path from 'node:path';

// package.json sits three levels above both apps/gateway/src and dist/apps/gateway/src... plus one for dist.
function readVersion(): string {
  for (const up of ['../../..', '../../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchboard' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export const version = readVersion();
