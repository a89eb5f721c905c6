import type { WebhookRequest } from '@switchboard/core';
import { signedSlackRequest } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { openSlackDelivery } from './slack.webhook';

const SECRET = '8f742231b10e8888abcd99eee2e285a5';
const NOW_MS = 1_733_216_400_000;
const NOW_S = NOW_MS / 1000;
const EVENT = JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'message' } });

function request(signed: { body: string; headers: Record<string, string> }): WebhookRequest {
  return { method: 'POST', accountId: 'default', headers: signed.headers, rawBody: Buffer.from(signed.body), query: {} };
}

const open = (signed: { body: string; headers: Record<string, string> }) => openSlackDelivery(request(signed), SECRET, NOW_MS);

describe('openSlackDelivery', () => {
  it('opens an event signed with the signing secret, with its retry number', () => {
    expect(open(signedSlackRequest(EVENT, SECRET, { timestampS: NOW_S, retryNum: 1 }))).toMatchObject({ kind: 'event', callback: { event_id: 'Ev1' }, retryNum: 1 });
  });

  it('answers the url_verification check with its challenge', () => {
    const check = JSON.stringify({ token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    expect(open(signedSlackRequest(check, SECRET, { timestampS: NOW_S }))).toEqual({ kind: 'challenge', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('refuses a request signed with another secret, without naming the secret', () => {
    const refused = open(signedSlackRequest(EVENT, 'not-the-signing-secret', { timestampS: NOW_S }));
    expect(refused).toMatchObject({ status: 401, reason: expect.stringContaining('signature mismatch') });
    expect(JSON.stringify(refused)).not.toContain(SECRET);
  });

  it('refuses a body changed after signing', () => {
    const signed = signedSlackRequest(EVENT, SECRET, { timestampS: NOW_S });
    expect(open({ ...signed, body: signed.body.replace('Ev1', 'Ev2') })).toMatchObject({ status: 401 });
  });

  it('rejects a Slack event whose signature is older than five minutes, or as far ahead', () => {
    expect(open(signedSlackRequest(EVENT, SECRET, { timestampS: NOW_S - 301 }))).toMatchObject({ status: 401, reason: expect.stringContaining('five minutes') });
    expect(open(signedSlackRequest(EVENT, SECRET, { timestampS: NOW_S + 301 }))).toMatchObject({ status: 401 });
    expect(open(signedSlackRequest(EVENT, SECRET, { timestampS: NOW_S - 299 }))).toMatchObject({ kind: 'event' });
  });

  it('refuses a request without the signature headers', () => {
    expect(open({ body: EVENT, headers: { 'content-type': 'application/json' } })).toMatchObject({ status: 401 });
  });

  it('refuses an authentic body that is not JSON with 400', () => {
    expect(open(signedSlackRequest('{"type":', SECRET, { timestampS: NOW_S }))).toMatchObject({ status: 400 });
  });
});
