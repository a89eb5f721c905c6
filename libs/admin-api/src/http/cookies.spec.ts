import { describe, expect, it } from 'vitest';
import { readCookies, serializeCookie } from './cookies';

describe('cookies', () => {
  it('reads the first value of each name and ignores malformed parts', () => {
    const cookies = readCookies('a=1; sb_admin_session=tok%2Fen; a=2; junk; bad=%E0%A4%A');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('sb_admin_session')).toBe('tok/en');
    expect(cookies.has('bad')).toBe(false);
  });

  it('always writes HttpOnly and SameSite=Lax, Secure only when asked', () => {
    expect(serializeCookie('s', 'v', { path: '/', maxAgeSeconds: 60, secure: false })).toBe('s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
    expect(serializeCookie('s', 'v', { path: '/', maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
  });
});
