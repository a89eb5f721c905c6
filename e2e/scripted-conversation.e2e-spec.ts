import { describe, expect, it } from 'vitest';
import { FakeLlmServer } from '@switchboard/testing';
import { contractGatewayEnv } from '@switchboard/testing/channel-contract/channel-contract.suite';
import type { ContractChat, ContractMessage, ContractPlatform } from '@switchboard/testing/channel-contract/contract-platform';
import { DiscordContractPlatform } from '@switchboard/testing/channel-contract/platforms/discord.contract';
import { SlackContractPlatform } from '@switchboard/testing/channel-contract/platforms/slack.contract';
import { TelegramContractPlatform } from '@switchboard/testing/channel-contract/platforms/telegram.contract';
import { startContractGateway } from './support/contract-gateway';

/**
 * The platforms the scripted conversation runs on, one line each (any ContractPlatform fits).
 * One platform: `npx vitest run --project e2e e2e/scripted-conversation.e2e-spec.ts -t "slack (http)"`.
 */
const SCRIPTED_PLATFORMS: ReadonlyArray<() => ContractPlatform> = [
  () => new TelegramContractPlatform('webhook'),
  () => new SlackContractPlatform('http'),
  () => new DiscordContractPlatform(),
];

const PAIRING_CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;
const APPROVED = 'You are approved: you can talk to me now.';

/**
 * One conversation, the same on every platform, through the real gateway against the platform's
 * fake: an allowed user is answered; a stranger gets a pairing code, is approved with
 * `switchboard pairing approve`, then is answered; in a group only a mention is answered; a long
 * reply arrives split within the platform's limit; a delivery made twice is answered once.
 */
describe('scripted conversation', () => {
  const cases = SCRIPTED_PLATFORMS.map((create) => create()).map((platform) => ({ name: platform.name, platform }));

  it.each(cases)('runs on $name', async ({ platform }) => {
    const llm = new FakeLlmServer();
    await Promise.all([llm.start(), platform.start()]);
    const gateway = await startContractGateway(contractGatewayEnv(platform, llm));
    platform.attach(gateway.url);

    /** Delivers a message and expects the platform to have been answered with success. */
    const deliver = async (message: ContractMessage) => {
      const delivery = await platform.deliver(message);
      if (delivery.status !== undefined) expect(delivery.status, `${platform.name} answered the delivery`).toBeLessThan(300);
      return delivery;
    };
    /** The bot's messages in `chat` from index `from` on, once `ok` holds for them. */
    const textsIn = async (chat: ContractChat, from: number, ok: (texts: string[]) => boolean) => {
      for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 20))) {
        const texts = platform.botTexts(chat).slice(from);
        if (ok(texts)) return texts;
        if (Date.now() - started > 30_000) throw new Error(`${platform.name}: chat ${chat.id} shows ${JSON.stringify(texts)}; gateway logs:\n${gateway.logs()}`);
      }
    };

    try {
      const { allowed, stranger, group } = platform;
      const dm = platform.dmWith(allowed);

      // An allowed user is answered.
      await deliver({ from: allowed, chat: dm, text: 'Hello there' });
      await textsIn(dm, 0, (texts) => texts.includes('echo: Hello there'));

      // A stranger gets a pairing code; once an operator approves it, the stranger is answered.
      const strangerDm = platform.dmWith(stranger);
      await deliver({ from: stranger, chat: strangerDm, text: 'hi, can I use you?' });
      const [notice] = await textsIn(strangerDm, 0, (texts) => texts.length >= 1);
      const code = PAIRING_CODE.exec(notice)?.[0];
      expect(code, `a pairing code in ${JSON.stringify(notice)}`).toBeDefined();
      const approval = await gateway.cli('pairing', 'approve', platform.platform, code!);
      expect(approval.code, approval.stderr).toBe(0);
      await textsIn(strangerDm, 1, (texts) => texts.includes(APPROVED));
      await deliver({ from: stranger, chat: strangerDm, text: 'May I now?' });
      await textsIn(strangerDm, 2, (texts) => texts.includes('echo: May I now?'));
      await gateway.quiescent();
      expect(llm.requests.map((request) => request.userText)).toEqual(['Hello there', 'May I now?']);

      // In a group, only the message that mentions the bot is answered.
      await deliver({ from: allowed, chat: group, text: 'just chatting among ourselves' });
      await deliver({ from: allowed, chat: group, text: 'what time is it?', mentionsBot: true });
      await textsIn(group, 0, (texts) => texts.length >= 1);
      await gateway.quiescent();
      expect(platform.botTexts(group)).toHaveLength(1);
      expect(llm.requests.slice(2).map((request) => request.userText)).toEqual([expect.stringContaining('what time is it?')]);

      // A reply longer than the platform's limit arrives in parts within it.
      const { max, unit } = platform.textLimit;
      const size = (text: string) => (unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : [...text].length);
      const words: string[] = [];
      for (let i = 0, total = 0; total < max * 2.5; i++, total += size(`word${i} `)) words.push(`word${i}`);
      const long = words.join(' ');
      const squash = (text: string) => text.replace(/\s+/g, '');
      const before = platform.botTexts(dm).length;
      llm.enqueue({ text: long, chunks: 10 });
      await deliver({ from: allowed, chat: dm, text: 'Tell me a long story.' });
      const parts = await textsIn(dm, before, (texts) => texts.length >= Math.ceil(size(long) / max) && squash(texts.join('')) === squash(long));
      for (const part of parts) expect(size(part), `a part of ${size(part)} ${unit}`).toBeLessThanOrEqual(max);
      await gateway.quiescent();

      // The same delivery made twice is answered once.
      const beforeTwice = platform.botTexts(dm).length;
      const delivery = await deliver({ from: allowed, chat: dm, text: 'Hello once?' });
      const again = await platform.redeliver(delivery);
      if (again.status !== undefined) expect(again.status).toBeLessThan(300);
      await textsIn(dm, beforeTwice, (texts) => texts.includes('echo: Hello once?'));
      await gateway.quiescent();
      expect(platform.botTexts(dm).slice(beforeTwice)).toEqual(['echo: Hello once?']);
    } finally {
      await gateway.stop();
      await Promise.all([llm.stop(), platform.stop()]);
    }
    // A first embedded start alone may take two minutes on a loaded machine.
  }, 300_000);
});
