import { DomainError, ErrorCode } from '@switchboard/core';
import { ANY_PLATFORM } from '@switchboard/persistence';

interface UserIdFormat {
  pattern: RegExp;
  /** What a valid id looks like, for the error message. */
  expected: string;
}

/**
 * The platforms whose users the allowlist can name, with the shape of their user ids. Adding a
 * platform adds a line here.
 */
const USER_ID_FORMATS: Record<string, UserIdFormat> = {
  // Telegram user ids are positive integers of up to 52 bits (16 digits); groups are negative.
  telegram: { pattern: /^[1-9]\d{0,15}$/, expected: 'a positive number such as 123456789 (the user sees it with /whoami)' },
  // DingTalk user ids (staff ids) are set by the organisation: letters, digits, _ and -.
  dingtalk: { pattern: /^[A-Za-z0-9_-]{1,64}$/, expected: 'a user id such as manager4220 (the userid in the DingTalk admin console)' },
  // The open_id Feishu/Lark gives each user per app (the event's sender_id.open_id).
  feishu: { pattern: /^ou_[A-Za-z0-9]{8,64}$/, expected: 'an open_id such as ou_7d8a6e6df7621556ce0d21922b676706cc (the user sees it with /whoami)' },
  // WeCom userids ("account" in the admin console): letters, digits and _ - . @, at most 64.
  wecom: { pattern: /^[A-Za-z0-9_.@-]{1,64}$/, expected: 'a WeCom userid such as zhangsan (Contacts → member → Account)' },
  // WhatsApp ids (wa_id) are the user's phone number in international form, digits only, no +.
  whatsapp: { pattern: /^[1-9]\d{6,14}$/, expected: 'a phone number with country code, digits only, such as 4915112345678 (the user sees it with /whoami)' },
  // Generic webhook senders: whatever id the calling system gives its users, one plain token.
  generic: { pattern: /^[A-Za-z0-9_.:@+-]{1,128}$/, expected: 'the sender id the calling system sends, such as user-42 (letters, digits and _ . : @ + -)' },
  // Slack member ids (U..., W... on Enterprise Grid): profile → ⋮ → Copy member ID.
  slack: { pattern: /^[UW][A-Z0-9]{2,20}$/, expected: 'a member id such as U0123ABCD (profile → ⋮ → Copy member ID; the user sees it with /whoami)' },
  // Discord user ids are snowflakes: 17 to 20 digits (Developer Mode → right-click the user → Copy User ID).
  discord: { pattern: /^[1-9]\d{16,19}$/, expected: 'a user id such as 200000000000000001 (the user sees it with /whoami)' },
};

// On "*" (every platform) the id must only be one plain token.
const ANY_PLATFORM_USER_ID: UserIdFormat = { pattern: /^[^\s]{1,128}$/, expected: 'one word of at most 128 characters' };

export const ALLOWLIST_PLATFORMS: readonly string[] = [...Object.keys(USER_ID_FORMATS), ANY_PLATFORM];

/**
 * Checks a platform name and a user id for an allowlist entry; throws INVALID_INPUT naming the
 * problem. Trims the id (copied ids often carry a space).
 */
export function validAllowlistEntry(platform: string, userId: string): { platform: string; userId: string } {
  const format = platform === ANY_PLATFORM ? ANY_PLATFORM_USER_ID : USER_ID_FORMATS[platform];
  if (!format) {
    const known = ALLOWLIST_PLATFORMS.map((name) => (name === ANY_PLATFORM ? '* (every platform)' : name)).join(', ');
    throw new DomainError(ErrorCode.INVALID_INPUT, `platform "${platform}" is not one the allowlist knows: expected ${known}`);
  }
  const id = userId.trim();
  if (!format.pattern.test(id)) {
    throw new DomainError(ErrorCode.INVALID_INPUT, `"${printable(id)}" is not a ${platform === ANY_PLATFORM ? '' : `${platform} `}user id: expected ${format.expected}`);
  }
  return { platform, userId: id };
}

// Echoes at most a short, single-line excerpt of what was typed.
function printable(value: string): string {
  const line = [...value].map((char) => (char < ' ' || char === '\x7f' ? '?' : char)).join('');
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
