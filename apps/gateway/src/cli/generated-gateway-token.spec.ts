import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { generatedGatewayToken, generatedTokenFile, webChatLine } from './generated-gateway-token';

const dirs: string[] = [];
function dataDir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-token-'));
  dirs.push(parent);
  return path.join(parent, 'data');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const embedded = (dir: string, extra: object = {}) => configSchema.parse({ database: { dataDir: dir }, ...extra });

describe('generatedGatewayToken', () => {
  it('creates a token on the first start, owner-only, and keeps it for the next starts', () => {
    const dir = dataDir();
    const token = generatedGatewayToken(embedded(dir));

    expect(token).toMatch(/^[\w-]{43}$/);
    const file = generatedTokenFile(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${token}\n`);
    expect(generatedGatewayToken(embedded(dir))).toBe(token);
  });

  it('makes a token file that became readable by others private again', () => {
    const dir = dataDir();
    const token = generatedGatewayToken(embedded(dir));
    fs.chmodSync(generatedTokenFile(dir), 0o644);

    expect(generatedGatewayToken(embedded(dir))).toBe(token);
    expect(fs.statSync(generatedTokenFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('generates nothing when GATEWAY_TOKEN is set, nor in production mode', () => {
    const dir = dataDir();
    expect(generatedGatewayToken(embedded(dir, { controlPlane: { token: 'chosen-by-the-operator' } }))).toBeUndefined();
    expect(generatedGatewayToken(embedded(dir, { database: { dataDir: dir, url: 'postgresql://db/x' } }))).toBeUndefined();
    expect(fs.existsSync(generatedTokenFile(dir))).toBe(false);
  });
});

describe('webChatLine', () => {
  it('gives a terminal a link that signs in, with the token in the fragment', () => {
    expect(webChatLine('http://127.0.0.1:18789', 'a+b/c', 'data', true)).toBe('Web chat (signs in): http://127.0.0.1:18789/chat#token=a%2Bb%2Fc');
  });

  it('keeps the token out of output that is not a terminal (a service log), naming the file instead', () => {
    const line = webChatLine('http://127.0.0.1:18789', 'secret-token', '/var/lib/sb', false);
    expect(line).toBe('Web chat: http://127.0.0.1:18789/chat (sign in with the token in /var/lib/sb/gateway-token)');
  });
});
