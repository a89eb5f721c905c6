import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Global setup of the e2e project: the tests run the built gateway, so dist/ is brought up to
 * date with the sources first (nothing to do, and quick, when they have not changed).
 */
export default function buildIfChanged(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-if-changed.js')], { cwd: root, stdio: 'inherit' });
}
