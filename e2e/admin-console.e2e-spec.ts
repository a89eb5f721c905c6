import fs from 'node:fs';
import type { User } from 'grammy/types';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newConsoleContext, runCliWithInput, screenshot, seriousAccessibilityViolations } from './support/console-browser';
import { CLI, GatewayProcess, run } from './support/gateway-process';
import { TestOidcProvider, freePort } from './support/oidc-provider';
import { TelegramHarness } from './support/telegram-harness';

// Strangers to the gateway: the harness allows Alice only.
const stranger = (id: number, first_name: string): User => ({ id, is_bot: false, first_name, username: first_name.toLowerCase() });
const CAROL = stranger(333333333, 'Carol');
const BOB = stranger(222222222, 'Bob');

const ADMIN = { email: 'admin@example.com', password: 'admin-password-4f81c2', role: 'admin' };
const AUDITOR = { email: 'auditor@example.com', password: 'auditor-password-9d03e7', role: 'auditor' };
// Signs in at the identity provider; its `groups` claim maps to the operator role.
const SSO_OPERATOR = 'olu@example.com';
const OIDC_CLIENT = { clientId: 'switchboard-console', clientSecret: 'e2e-oidc-client-secret-6a2b' };

const CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;
// Every screen of the console behind the sign-in page.
const SCREENS = ['overview', 'allowlists', 'pairing', 'sessions', 'permissions', 'channels', 'devices', 'api-keys', 'operators', 'audit'];

const harness = new TelegramHarness();
const idp = new TestOidcProvider((email) => (email === SSO_OPERATOR ? ['sb-ops'] : []));
const dataDirs: string[] = [];
const contexts: BrowserContext[] = [];
let env: Record<string, string>;
let gateway: GatewayProcess;
let browser: Browser;

beforeAll(async () => {
  await harness.start();
  // The identity provider needs the redirect URL before the gateway starts: pick its port now.
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/api/admin/auth/oidc/callback`;
  await idp.start({ ...OIDC_CLIENT, redirectUri });
  env = harness.env({
    PORT: String(port),
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: OIDC_CLIENT.clientId,
    OIDC_CLIENT_SECRET: OIDC_CLIENT.clientSecret,
    OIDC_REDIRECT_URL: redirectUri,
    OIDC_ROLE_CLAIM: 'groups',
    OIDC_ROLE_MAP: 'sb-ops:operator',
    OIDC_JIT: 'true',
  });
  dataDirs.push(env.SWITCHBOARD_DATA_DIR);
  // Local operators are created with the CLI before the gateway opens the embedded database.
  const cliEnv = { SWITCHBOARD_DATA_DIR: env.SWITCHBOARD_DATA_DIR };
  const migrate = await run([CLI, 'db', 'migrate'], cliEnv);
  expect(migrate.code, migrate.stderr).toBe(0);
  for (const operator of [ADMIN, AUDITOR]) {
    const created = await runCliWithInput(['users', 'create', '--email', operator.email, '--role', operator.role, '--password-stdin'], cliEnv, `${operator.password}\n`);
    expect(created.code, `${created.stdout}${created.stderr}`).toBe(0);
  }
  gateway = await harness.gateway(env);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await harness.stop();
  await idp.stop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new browser profile (no cookies) with one page that fails the test on a script error. */
async function freshPage(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const context = await newConsoleContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

const adminUrl = (path = '') => `${gateway.url}/admin/${path}`;

/** Signs in on the console's form with the keyboard only, from the redirect a signed-out visit gets. */
async function signInLocally(page: Page, operator: { email: string; password: string }): Promise<void> {
  await page.goto(adminUrl('overview/'));
  await page.waitForURL(/\/admin\/login\/\?next=/);
  await page.locator('input[name=email]').fill(operator.email);
  await page.locator('input[name=password]').fill(operator.password);
  await page.locator('input[name=password]').press('Enter');
  await page.waitForURL(/\/admin\/overview\/$/);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

/** Waits until no table or screen on the page is still loading. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  // Visible ones only: a hidden tab panel keeps its (idle) loading state.
  const loading = page.locator('[aria-busy="true"], .mantine-Loader-root, .mantine-Skeleton-root').filter({ visible: true });
  // Names what is still loading, if anything, so a failure says where.
  await expect
    .poll(() => loading.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? e.className).join(', ')), { timeout: 15_000, message: `still loading on ${page.url()}` })
    .toBe('');
}

/** A DM from `user`; resolves with the bot's next message in that chat. */
async function dm(user: User, text: string): Promise<string> {
  const before = harness.telegram.messagesIn(user.id).length;
  expect(await harness.post(gateway, harness.telegram.build.privateText(text, { from: user }))).toBe(200);
  const messages = await harness.waitForMessages(user.id, (texts) => texts.length > before);
  return messages[before].text;
}

describe('the admin console in Chromium against a real gateway', () => {
  it('is served by the gateway at /admin/, with the export’s 404 page for unknown paths', async () => {
    const bare = await fetch(adminUrl().slice(0, -1), { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/admin/');
    const unknown = await fetch(adminUrl('no-such-screen/'));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This page does not exist');
  });

  it('(a) an admin signs in with a local account and allows a Telegram user, whose message is then answered', async () => {
    // Before: Carol is a stranger, answered with a pairing code and not by the model.
    expect(await dm(CAROL, 'hello?')).toMatch(CODE);
    expect(harness.llm.requests).toEqual([]);

    const { page, errors } = await freshPage();
    await signInLocally(page, ADMIN);
    await page.getByRole('link', { name: 'Allowlists' }).click();
    await page.waitForURL(/\/admin\/allowlists\/$/);
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Allow a user' });
    await dialog.getByRole('textbox', { name: 'User id' }).fill(String(CAROL.id));
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Carol from support');
    await dialog.getByRole('textbox', { name: 'Note' }).press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('table', { name: 'Allowlist' }).getByRole('row').filter({ hasText: String(CAROL.id) });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('Carol from support');

    harness.llm.enqueue({ text: 'Hello Carol, how can I help?' });
    expect(await dm(CAROL, 'Now can I talk to you?')).toBe('Hello Carol, how can I help?');
    expect(harness.llm.requests.at(-1)?.userText).toBe('Now can I talk to you?');

    // The admin keeps /status for admins: a refused value is named at its field, then the change applies to Carol's next command.
    await page.getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('tab', { name: 'Command permissions' }).click();
    const commands = page.getByRole('textbox', { name: 'Command permissions' });
    await commands.fill('help:admins');
    await commands.press('Enter');
    await page.getByText('/help is always open to allowed users').waitFor();
    await commands.fill('status:admins');
    await page.getByRole('button', { name: 'Save command permissions' }).click();
    await page.getByText('changed in console').waitFor();
    expect(await dm(CAROL, '/status')).toBe('You are not allowed to run /status.');
    expect(errors).toEqual([]);
  });

  it('(b) an operator signs in through SSO and approves a pairing request that appeared live', async () => {
    const { page, errors } = await freshPage();
    await page.goto(adminUrl('login/'));
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    // The identity provider's own login, then consent, pages; then back to the console.
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.locator('input[name=login]').fill(SSO_OPERATOR);
    await page.locator('input[name=password]').fill('any password works at the test IdP');
    await page.locator('button[type=submit]').click();
    for (let step = 0; step < 3 && !page.url().startsWith(gateway.url); step++) {
      const consent = page.locator('button[type=submit]');
      if (await consent.count()) await consent.click();
      await page.waitForLoadState('domcontentloaded');
    }
    await page.waitForURL((url) => url.href.startsWith(adminUrl()));
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.getByRole('banner').innerText()).toContain('operator');

    await page.getByRole('link', { name: 'Pairing queue' }).click();
    await expect.poll(() => page.getByTestId('pairing-live').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    const pending = page.getByRole('table', { name: 'Pending pairing requests' });
    expect(await pending.getByText(String(BOB.id)).count()).toBe(0);
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);

    // Bob writes: he is sent a code, and his request shows in the open page without a reload.
    const asked = Date.now();
    const code = (await dm(BOB, 'hi, may I use the bot?')).match(CODE)![0];
    const bobRow = pending.getByRole('row').filter({ hasText: String(BOB.id) });
    await bobRow.waitFor({ timeout: 10_000 });
    console.log(`pairing request shown ${Date.now() - asked} ms after Bob's message was posted (includes the webhook round trip)`);
    expect(navigations).toBe(0);

    // Approve with the code Bob was sent, from the keyboard.
    const codeInput = page.getByRole('textbox', { name: 'Pairing code' });
    await codeInput.fill(code.toLowerCase());
    await codeInput.press('Enter');
    await expect.poll(() => bobRow.count()).toBe(0);
    await harness.waitForMessages(BOB.id, (texts) => texts.some((text) => /approved/i.test(text)));
    harness.llm.enqueue({ text: 'Welcome, Bob.' });
    expect(await dm(BOB, 'thanks!')).toBe('Welcome, Bob.');
    expect(errors).toEqual([]);
  });

  it('(c) an auditor sees both actions in the audit log and can change nothing', async () => {
    const { page, errors } = await freshPage();
    await signInLocally(page, AUDITOR);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await settled(page);
    const log = page.getByRole('table', { name: 'Audit events' });
    const added = log.getByRole('row').filter({ hasText: /allowlist/ }).filter({ hasText: ADMIN.email });
    const approved = log.getByRole('row').filter({ hasText: /pairing/ }).filter({ hasText: SSO_OPERATOR });
    await expect.poll(() => added.count()).toBeGreaterThan(0);
    await expect.poll(() => approved.count()).toBeGreaterThan(0);
    expect(await added.first().innerText()).toContain(String(CAROL.id));
    expect(await approved.first().innerText()).toContain(String(BOB.id));

    // Every screen is readable; no control that changes anything is offered.
    for (const screen of SCREENS) {
      await page.goto(adminUrl(`${screen}/`));
      await settled(page);
      expect(await page.getByText('Not available to your role').count(), screen).toBe(0);
    }
    await page.goto(adminUrl('allowlists/'));
    await settled(page);
    await page.getByRole('row').filter({ hasText: String(CAROL.id) }).waitFor();
    for (const name of ['Add user', 'Import CSV', /^Remove/]) expect(await page.getByRole('button', { name }).count(), String(name)).toBe(0);
    await page.goto(adminUrl('pairing/'));
    await settled(page);
    expect(await page.getByRole('form', { name: 'Approve a pairing code' }).count()).toBe(0);
    await page.goto(adminUrl('operators/'));
    await settled(page);
    expect(await page.getByRole('button', { name: 'Add operator' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Disable|Enable)/ }).count()).toBe(0);
    await page.goto(adminUrl('api-keys/'));
    await settled(page);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await page.goto(adminUrl('permissions/'));
    await settled(page);
    expect(await page.getByRole('form', { name: 'Direct message policies' }).getByRole('button').count()).toBe(0);
    await page.goto(adminUrl('channels/'));
    await settled(page);
    expect(await page.getByRole('button', { name: /^(Disable|Enable) telegram/ }).count()).toBe(0);

    // And the API itself refuses, even with the session's CSRF token.
    const statuses = await page.evaluate(async () => {
      const session = (await (await fetch('/api/admin/auth/session')).json()) as { csrfToken: string };
      const post = (path: string, body: unknown) =>
        fetch(`/api/admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify(body) }).then((r) => r.status);
      return {
        allowlist: await post('/allowlist', { platform: 'telegram', userId: '424242' }),
        pairing: await post('/pairing/approve', { platform: 'telegram', code: 'ABCDEFGH' }),
        operators: await post('/operators', { email: 'mallory@example.com', role: 'owner' }),
        apiKeys: await post('/api-keys', { name: 'sneaky' }),
      };
    });
    expect(statuses).toEqual({ allowlist: 403, pairing: 403, operators: 403, apiKeys: 403 });
    expect(errors).toEqual([]);
  });

  it('(d, e) every page, light and dark: no serious or critical axe violation; screenshots at 1280×800', async () => {
    const violations: string[] = [];
    const check = async (page: Page, name: string) => {
      violations.push(...(await seriousAccessibilityViolations(page)).map((v) => `${name}: ${v}`));
      await screenshot(page, `admin-${name}`);
    };
    for (const scheme of ['light', 'dark'] as const) {
      const { page, errors } = await freshPage(scheme);
      await page.goto(adminUrl('login/'));
      await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
      await check(page, `sign-in-${scheme}`);

      await signInLocally(page, ADMIN);
      for (const screen of SCREENS) {
        await page.goto(adminUrl(`${screen}/`));
        await settled(page);
        await check(page, `${screen}-${scheme}`);
      }
      await page.goto(adminUrl('sessions/'));
      await settled(page);
      await page.getByRole('table', { name: 'Sessions' }).getByRole('link').first().click();
      await page.waitForURL(/\/admin\/sessions\/transcript\/\?id=/);
      await settled(page);
      await check(page, `transcript-${scheme}`);
      await page.goto(adminUrl('no-such-screen/'));
      await page.getByRole('heading', { name: 'This page does not exist' }).waitFor();
      await check(page, `not-found-${scheme}`);
      expect(errors).toEqual([]);
    }
    expect(violations).toEqual([]);
  });
});
