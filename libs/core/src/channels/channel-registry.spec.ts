import { describe, expect, it } from 'vitest';
import type { ChannelAdapter } from './channel-adapter';
import { ChannelRegistry, channelName } from './channel-registry';

const adapter = (id: string, accountId: string) => ({ id, accountId }) as ChannelAdapter;

describe('ChannelRegistry', () => {
  const main = adapter('telegram', 'default');
  const support = adapter('telegram', 'support');
  const feishu = adapter('feishu', 'hr');
  const registry = new ChannelRegistry([main, support, feishu]);

  it('finds each adapter by platform and account', () => {
    expect(registry.find('telegram', 'default')).toBe(main);
    expect(registry.get('telegram', 'support')).toBe(support);
    expect(registry.find('telegram', 'sales')).toBeUndefined();
    expect(registry.find('feishu', 'default')).toBeUndefined();
    expect(() => registry.get('slack', 'default')).toThrow('no channel "slack" with the account "default" is configured');
  });

  it('lists the platforms once and the accounts of each', () => {
    expect(registry.platforms()).toEqual(['telegram', 'feishu']);
    expect(registry.accounts('telegram')).toEqual([main, support]);
    expect(registry.accounts('slack')).toEqual([]);
    expect(registry.all()).toEqual([main, support, feishu]);
  });

  it('stops the boot on two adapters of one account, not on two accounts of one platform', () => {
    expect(() => new ChannelRegistry([main, adapter('telegram', 'default')])).toThrow('two channel adapters have the id "telegram" and the account "default"');
  });

  it('names the default account by its platform and another one by both', () => {
    expect([main, support].map(channelName)).toEqual(['telegram', 'telegram:support']);
  });
});
