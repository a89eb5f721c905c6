import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SwitchboardConfig } from '@switchboard/config';

/** Where an embedded gateway keeps the token it generated, in its data directory. */
export function generatedTokenFile(dataDir: string): string {
  return path.join(dataDir, 'gateway-token');
}

/**
 * The control-plane token of an embedded gateway started without GATEWAY_TOKEN: generated on the
 * first start and kept in the data directory (mode 0600), so the web chat has something to sign
 * in with. None in production mode or when a token is configured (that one wins).
 */
export function generatedGatewayToken(config: SwitchboardConfig): string | undefined {
  if (config.controlPlane.token !== undefined || config.database.url) return undefined;
  const file = generatedTokenFile(config.database.dataDir);
  const existing = readToken(file);
  if (existing) return existing;
  fs.mkdirSync(config.database.dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  try {
    // wx: a gateway starting at the same moment on the same directory keeps the first token.
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readToken(file);
  }
  return token;
}

function readToken(file: string): string | undefined {
  try {
    // A copy restored with looser permissions is made private again.
    fs.chmodSync(file, 0o600);
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The line that tells how to open the web chat. The token rides in the URL fragment, which the
 * browser never sends (so no access log holds it); the page reads it, keeps it and clears it.
 * Printed in full only to a terminal: a service's output ends up in logs.
 */
export function webChatLine(url: string, token: string, dataDir: string, toTerminal: boolean): string {
  if (toTerminal) return `Web chat (signs in): ${url}/chat#token=${encodeURIComponent(token)}`;
  return `Web chat: ${url}/chat (sign in with the token in ${generatedTokenFile(path.resolve(dataDir))})`;
}
