import * as lark from '@larksuiteoapi/node-sdk';
import type { WebhookRequest } from '@switchboard/core';
import { feishuUrlVerification, feishuWebhookDelivery } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import p2pText from './fixtures/p2p-text.json';
import { isRefusal, openDelivery } from './feishu.webhook';

const secrets = { verificationToken: 'v-token-fixture', encryptKey: 'an-encrypt-key' };
const request = (delivery: { body: string; headers: Record<string, string> }): WebhookRequest => ({
  method: 'POST',
  accountId: 'default',
  headers: delivery.headers,
  rawBody: Buffer.from(delivery.body),
  query: {},
});

/** Whether the SDK's own event dispatcher (Feishu's reference implementation) accepts a delivery. */
async function sdkAccepts(delivery: { body: string; headers: Record<string, string> }): Promise<boolean> {
  let handled = false;
  const dispatcher = new lark.EventDispatcher({ ...secrets, loggerLevel: lark.LoggerLevel.fatal }).register({
    'im.message.receive_v1': async () => {
      handled = true;
    },
  });
  // As the SDK's own HTTP adapters pass it: the headers on the prototype, out of the signed JSON.
  await dispatcher.invoke(Object.assign(Object.create({ headers: delivery.headers }) as object, JSON.parse(delivery.body) as object));
  return handled;
}

describe('openDelivery', () => {
  it('opens what the SDK opens: the same encryption and signature as Feishu', async () => {
    const delivery = feishuWebhookDelivery(p2pText, { encryptKey: secrets.encryptKey });
    expect(new lark.AESCipher(secrets.encryptKey).decrypt((JSON.parse(delivery.body) as { encrypt: string }).encrypt)).toBe(JSON.stringify(p2pText));
    expect(await sdkAccepts(delivery)).toBe(true);
    const opened = openDelivery(request(delivery), secrets);
    expect(isRefusal(opened) ? opened : opened.kind === 'event' && opened.envelope.header?.event_id).toBe(p2pText.header.event_id);
  });

  it('refuses what the SDK refuses: a signature made with another key', async () => {
    const forged = feishuWebhookDelivery(p2pText, { encryptKey: secrets.encryptKey, signWith: 'another-key' });
    expect(await sdkAccepts(forged)).toBe(false);
    expect(openDelivery(request(forged), secrets)).toEqual({ status: 401, reason: 'X-Lark-Signature does not match' });
  });

  it('answers the unsigned URL check only with the right token, and refuses plain bodies when a key is set', () => {
    const check = feishuWebhookDelivery(feishuUrlVerification(secrets.verificationToken, 'c-1'), { encryptKey: secrets.encryptKey });
    delete check.headers['x-lark-signature'];
    expect(openDelivery(request(check), secrets)).toEqual({ kind: 'challenge', challenge: 'c-1' });
    expect(openDelivery(request(feishuWebhookDelivery(p2pText)), secrets)).toMatchObject({ status: 400 });
    expect(openDelivery(request({ body: 'not json', headers: {} }), secrets)).toMatchObject({ status: 400 });
  });
});
