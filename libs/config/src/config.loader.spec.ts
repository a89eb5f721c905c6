import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.error';
import { loadConfig } from './config.loader';
import { configReferenceMarkdown } from './config.reference';
import { redactConfig } from './config.redact';

function yamlFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-config-'));
  const file = path.join(dir, 'switchboard.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is configured', () => {
    const config = loadConfig({ env: {} });
    expect(config.gateway).toEqual({ port: 18789, host: '127.0.0.1', shutdownTimeoutMs: 10_000 });
    expect(config.database).toEqual({ url: undefined, dataDir: './data' });
    expect(config.redis.url).toBeUndefined();
    expect(config.log.level).toBe('info');
  });

  it('reads environment variables and coerces their types', () => {
    const config = loadConfig({
      env: { PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'postgresql://u:p@db:5432/sb', LOG_PRETTY: 'no' },
    });
    expect(config.gateway.port).toBe(9000);
    expect(config.gateway.host).toBe('0.0.0.0');
    expect(config.database.url).toBe('postgresql://u:p@db:5432/sb');
    expect(config.log.pretty).toBe(false);
  });

  it('names the variable and the expectation when a value is bad', () => {
    expect(problemsOf(() => loadConfig({ env: { PORT: 'abc' } }))).toEqual([
      'PORT (gateway.port): expected a TCP port number',
    ]);
    expect(problemsOf(() => loadConfig({ env: { PORT: '70000' } }))).toEqual([
      'PORT (gateway.port): expected a port between 0 and 65535',
    ]);
    expect(problemsOf(() => loadConfig({ env: { REDIS_URL: 'localhost:6379' } }))).toEqual([
      'REDIS_URL (redis.url): expected a URL starting with redis:// or rediss://',
    ]);
    expect(problemsOf(() => loadConfig({ env: { LOG_LEVEL: 'loud' } }))[0]).toMatch(/^LOG_LEVEL \(log.level\): expected one of/);
  });

  it('reads the nested YAML form with ${VAR} interpolation, environment winning', () => {
    const file = yamlFile(
      ['gateway:', '  port: 7000', '  host: ${BIND_HOST:-127.0.0.2}', 'database:', '  url: ${PG_URL}', ''].join('\n'),
    );
    const config = loadConfig({ env: { PG_URL: 'postgres://db/x' }, configFile: file });
    expect(config.gateway.port).toBe(7000);
    expect(config.gateway.host).toBe('127.0.0.2');
    expect(config.database.url).toBe('postgres://db/x');
    expect(loadConfig({ env: { PG_URL: 'postgres://db/x', PORT: '7001' }, configFile: file }).gateway.port).toBe(7001);
  });

  it('takes the file from SWITCHBOARD_CONFIG', () => {
    const file = yamlFile('gateway:\n  port: 7100\n');
    expect(loadConfig({ env: { SWITCHBOARD_CONFIG: file } }).gateway.port).toBe(7100);
  });

  it('rejects unknown keys, unset placeholders and unreadable files by name', () => {
    const [unknown] = problemsOf(() => loadConfig({ env: {}, configFile: yamlFile('gateway:\n  prot: 1\n') }));
    expect(unknown).toMatch(/^unknown key gateway\.prot in .*switchboard\.yaml$/);
    expect(problemsOf(() => loadConfig({ env: {}, configFile: yamlFile('database:\n  url: ${NOPE}\n') }))).toEqual([
      'database.url in switchboard.yaml uses ${NOPE}, which is not set',
    ]);
    expect(problemsOf(() => loadConfig({ env: {}, configFile: '/nonexistent/sb.yaml' }))[0]).toMatch(
      /^config file \/nonexistent\/sb.yaml cannot be read \(ENOENT\)/,
    );
    expect(problemsOf(() => loadConfig({ env: {}, configFile: yamlFile('gateway: [1, 2') }))[0]).toMatch(/is not valid YAML/);
  });

  it('applies CLI overrides last', () => {
    expect(loadConfig({ env: { PORT: '9000' }, overrides: { PORT: 9100 } }).gateway.port).toBe(9100);
    const token = 'from-the-command-line-0123';
    expect(loadConfig({ env: { GATEWAY_TOKEN: 'from-the-environment-0123' }, overrides: { GATEWAY_TOKEN: token } }).controlPlane.token).toBe(token);
  });

  it('refuses a control-plane token short enough to guess', () => {
    expect(problemsOf(() => loadConfig({ env: { GATEWAY_TOKEN: 'secret' } }))).toEqual([
      'GATEWAY_TOKEN (controlPlane.token): expected at least 16 characters',
    ]);
  });
});

describe('redactConfig', () => {
  it('masks every secret and nothing else', () => {
    const config = loadConfig({ env: { DATABASE_URL: 'postgres://u:pw@h/db', REDIS_URL: 'redis://:pw@h:6379' } });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('pw');
    expect(shown).toContain('"port":18789');
  });
});

describe('configReferenceMarkdown', () => {
  it('lists every variable with its YAML key and default', () => {
    const table = configReferenceMarkdown();
    expect(table).toContain('| `PORT` | `gateway.port` | `18789` |');
    expect(table).toContain('| `DATABASE_URL` | `database.url` |');
    expect(table).toMatch(/`REDIS_URL`.*\(secret\)/);
  });

  it('is the table printed in the README', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(configReferenceMarkdown());
  });
});
