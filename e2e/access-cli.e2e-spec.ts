import fs from 'node:fs';
import path from 'node:path';
import type { User } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, GatewayProcess, ProcessResult, run, tempDir } from './support/gateway-process';
import { TelegramHarness, sleep } from './support/telegram-harness';

// Not in TELEGRAM_ALLOWED_USERS (the harness lists Alice only): only the database allowlist lets Grace in.
const GRACE: User = { id: 888888888, is_bot: false, first_name: 'Grace', username: 'grace' };

const harness = new TelegramHarness();
const dataDir = tempDir('access-cli');
const cli = (...args: string[]): Promise<ProcessResult> => run([CLI, ...args], { SWITCHBOARD_DATA_DIR: dataDir });

/** A DM from Grace; resolves with the bot's next message in her chat. */
async function dm(gateway: GatewayProcess, text: string): Promise<string> {
  const before = harness.telegram.messagesIn(GRACE.id).length;
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: GRACE }))).toBe(200);
  const messages = await harness.waitForMessages(GRACE.id, (texts) => texts.length > before);
  return messages[before].text;
}

describe('switchboard allowlist on an embedded data dir', () => {
  let gatewayWasRunning: boolean;
  let added: ProcessResult;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    await harness.start();
    // No gateway yet: the CLI opens the embedded database itself.
    gatewayWasRunning = fs.existsSync(path.join(dataDir, 'gateway.json'));
    added = await cli('allowlist', 'add', 'telegram', String(GRACE.id));
    gateway = await harness.gateway(harness.env({ SWITCHBOARD_DATA_DIR: dataDir }));
  });
  afterAll(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => harness.llm.reset());

  it('adds a user while no gateway runs; the gateway started later on that data dir lets them in', async () => {
    expect(gatewayWasRunning).toBe(false);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`added telegram user ${GRACE.id}\n`);

    expect(await dm(gateway, 'hello')).toBe('echo: hello');
    expect(harness.llm.requests.map((r) => r.userText)).toEqual(['hello']);
  });

  it('lists the allowlist through the running gateway, with who added each entry', async () => {
    expect((await cli('allowlist', 'add', '*', 'everywhere-user')).stdout).toBe('added * user everywhere-user\n');

    const list = await cli('allowlist', 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^telegram\\t${GRACE.id}\\tadded \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z by cli:\\S+$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^\*\teverywhere-user\tadded \S+ by cli:\S+$/));

    // A platform filter keeps that platform's entries and the "every platform" ones.
    const slack = await cli('allowlist', 'list', 'slack');
    expect(slack.stdout).not.toContain(String(GRACE.id));
    expect(slack.stdout).toContain('everywhere-user');
  });

  it('removes a user through the running gateway: their next DM gets no model reply', async () => {
    const remove = await cli('allowlist', 'remove', 'telegram', String(GRACE.id));
    expect(remove.stderr).toBe('');
    expect(remove.code).toBe(0);
    expect(remove.stdout).toBe(`removed telegram user ${GRACE.id}\n`);
    expect((await cli('allowlist', 'list', 'telegram')).stdout).not.toContain(String(GRACE.id));

    // Back to a stranger under the default DM policy: offered a pairing code instead of an answer.
    expect(await dm(gateway, 'hello again')).toContain('send this pairing code to its owner');
    await sleep(500);
    expect(harness.llm.requests).toHaveLength(0);
    expect(harness.telegram.messagesIn(GRACE.id).map((m) => m.text)).not.toContain('echo: hello again');

    const again = await cli('allowlist', 'remove', 'telegram', String(GRACE.id));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`telegram user ${GRACE.id} was not on the allowlist\n`);
  });

  it('rejects an unknown platform or a user id of the wrong shape with a message naming the problem', async () => {
    const known = 'expected telegram, dingtalk, feishu, wecom, whatsapp, generic, slack, discord, * (every platform)';
    for (const platform of ['Telegram!!', 'tg']) {
      const refused = await cli('allowlist', 'add', platform, '123');
      expect(refused.code, platform).not.toBe(0);
      expect(refused.stderr).toBe(`switchboard: platform "${platform}" is not one the allowlist knows: ${known}\n`);
    }

    const shape = 'expected a positive number such as 123456789 (the user sees it with /whoami)';
    for (const userId of ['', '   ', 'notanumber']) {
      const refused = await cli('allowlist', 'add', 'telegram', userId);
      expect(refused.code, JSON.stringify(userId)).not.toBe(0);
      expect(refused.stderr).toBe(`switchboard: "${userId.trim()}" is not a telegram user id: ${shape}\n`);
    }

    // Nothing was added by the refused commands.
    expect((await cli('allowlist', 'list')).stdout).not.toMatch(/Telegram!!|^tg\t|notanumber|\t {3}\t/m);
  });

  it('names the field when removing an empty user id through the running gateway', async () => {
    // Without a gateway this prints "userId: expected a user id"; through the local API the empty
    // path segment misses the DELETE route and the CLI can only report the bare status.
    const remove = await cli('allowlist', 'remove', 'telegram', '');
    expect(remove.code).not.toBe(0);
    const bug = 'BUG: through the local API the CLI sends DELETE /api/local/allowlist/telegram/ (no route) and prints only the status';
    expect(remove.stderr, bug).toBe('switchboard: userId: expected a user id\n');
  });

  it("refuses local API calls without the runtime file's token (401)", async () => {
    const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'gateway.json'), 'utf8')) as { url: string; token: string };
    expect(runtime.url).toBe(gateway.url);
    const allowlist = `${runtime.url}/api/local/allowlist`;

    const anonymous = await fetch(allowlist);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'AUTH_FAILED', message: expect.stringContaining('token') } });

    const wrong = await fetch(allowlist, { headers: { authorization: `Bearer ${runtime.token.slice(1)}x` } });
    expect(wrong.status).toBe(401);
    const sneaky = await fetch(allowlist, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'telegram', userId: 'intruder' }),
    });
    expect(sneaky.status).toBe(401);

    // The same request with the token goes through: the 401s were about the token.
    const owner = await fetch(allowlist, { headers: { authorization: `Bearer ${runtime.token}` } });
    expect(owner.status).toBe(200);
    expect(JSON.stringify(await owner.json())).not.toContain('intruder');
  });
});
