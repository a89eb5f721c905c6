import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeFile, writeRuntimeFile } from './runtime-file';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('the runtime file', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-runtime-file-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is written 0600 in a data directory created 0700', () => {
    const dataDir = path.join(root, 'data');
    writeRuntimeFile(dataDir, { url: 'http://127.0.0.1:1', token: 'local-admin-token' });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'gateway.json'))).toBe(0o600);
    expect(readRuntimeFile(dataDir)).toEqual({ pid: process.pid, url: 'http://127.0.0.1:1', token: 'local-admin-token' });
  });

  it('is 0600 even when an older gateway.json was readable by others', () => {
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'gateway.json'), '{}', { mode: 0o644 });
    writeRuntimeFile(dataDir, { url: 'http://127.0.0.1:2', token: 'new-token' });
    expect(mode(path.join(dataDir, 'gateway.json'))).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
  });
});
