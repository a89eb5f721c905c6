import { createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';

/** The app's callback settings (WeCom admin console → the app → Receive messages → Set API). */
export interface WecomCallbackKeys {
  token: string;
  encodingAesKey: string;
  /** Every decrypted payload must end with it (the receiveid): the corp id for self-built apps. */
  corpId: string;
}

/** `msg_signature = sha1(sort([token, timestamp, nonce, encrypt]).join(''))`, compared in constant time. */
export function signatureMatches(keys: WecomCallbackKeys, query: { timestamp: string; nonce: string; msgSignature: string }, encrypted: string): boolean {
  const expected = getSignature(keys.token, query.timestamp, query.nonce, encrypted);
  return timingSafeEqual(sha1(expected), sha1(query.msgSignature.toLowerCase()));
}

/**
 * The plaintext of an `Encrypt` value or an `echostr`: AES-256-CBC with the EncodingAESKey, then
 * random(16) ‖ length(4) ‖ message ‖ receiveid. Undefined when it does not decrypt or was
 * encrypted for another corp.
 */
export function openCallback(keys: WecomCallbackKeys, encrypted: string): string | undefined {
  let opened: { message: string; id: string };
  try {
    opened = decrypt(keys.encodingAesKey, encrypted);
  } catch {
    return undefined;
  }
  return opened.id === keys.corpId ? opened.message : undefined;
}

function sha1(value: string): Buffer {
  return createHash('sha1').update(value).digest();
}
