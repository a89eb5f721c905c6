import fs from 'node:fs';
import path from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer, TINY_PNG_BASE64 } from '@switchboard/testing';
import { GatewayProcess, tempDir } from './support/gateway-process';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'e2e-webchat-token-41d7b2';
const llm = new FakeLlmServer();
const dirs: string[] = [];

let gateway: GatewayProcess;
let browser: BrowserContext;
let page: Page;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lastReply = () => page.locator('#messages li.msg.assistant').last();
const replyText = async () => (await lastReply().locator('.text').textContent()) ?? '';

/** Samples the newest reply's text every 20 ms until its run ends; returns every distinct text seen. */
async function watchReply(): Promise<{ seen: string[]; state: string | null }> {
  const seen: string[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = await replyText();
    if (seen.at(-1) !== text) seen.push(text);
    const state = await lastReply().getAttribute('data-state');
    if (state && state !== 'streaming') return { seen: [...seen, await replyText()], state };
    await sleep(20);
  }
  throw new Error(`the reply did not end; seen: ${JSON.stringify(seen)}`);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium) to run the web chat e2e`);
  }
  await llm.start();
  const dataDir = tempDir('webchat');
  const userDataDir = tempDir('webchat-chromium');
  dirs.push(dataDir, userDataDir);
  gateway = await GatewayProcess.start({
    SWITCHBOARD_DATA_DIR: dataDir,
    GATEWAY_TOKEN: TOKEN,
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_BASE_URL: llm.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-upstream-secret',
    LLM_MAX_RETRIES: '0',
  });
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop('SIGKILL');
  await llm.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => llm.reset());

describe('the web chat page in Chromium against a real gateway', () => {
  it('serves /chat with a script-src self policy and signs in with the gateway token', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    const response = await page.goto(`${gateway.url}/chat`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await page.fill('#token', 'not-the-token');
    await page.click('#login button[type=submit]');
    await expect.poll(() => page.locator('#error').textContent()).toContain('gateway token mismatch');
    expect(await page.locator('#error').textContent()).toContain('the sign-in link the gateway printed');

    await page.fill('#token', TOKEN);
    await page.click('#login button[type=submit]');
    await expect.poll(() => page.locator('#status').textContent()).toBe('connected');
    expect(await page.locator('#app').isVisible()).toBe(true);
    // The form is hidden, not left above the chat.
    expect(await page.locator('#login').isVisible()).toBe(false);
    expect(await page.evaluate('sessionStorage.getItem("switchboard.webchat.token")')).toBe(TOKEN);
    expect(pageErrors.filter((text) => !text.includes('WebSocket'))).toEqual([]);
  });

  it('shows the reply while it streams, then the whole text, and escapes what the user typed', async () => {
    const full = 'The quick brown fox jumps over the lazy dog, one piece at a time.';
    llm.enqueue({ text: full, chunks: 10, chunkDelayMs: 150 });

    await page.fill('#message', 'Hello <b>webchat</b>');
    await page.click('#send');
    const { seen, state } = await watchReply();

    expect(state).toBe('final');
    expect(seen.some((text) => text.length > 0 && text.length < full.length && full.startsWith(text))).toBe(true);
    expect(await replyText()).toBe(full);
    expect(llm.requests.at(-1)?.userText).toBe('Hello <b>webchat</b>');
    const mine = page.locator('#messages li.msg.user').last();
    expect(await mine.locator('.text').textContent()).toBe('Hello <b>webchat</b>');
    expect(await mine.locator('b').count()).toBe(0);
    // The conversation is now a web chat session in the list, and its history reloads.
    await expect.poll(() => page.locator('#session-list button.webchat').count()).toBeGreaterThan(0);
    await page.reload();
    await expect.poll(() => page.locator('#messages li.msg').count()).toBe(2);
    expect(await replyText()).toBe(full);
  });

  it('renders a Markdown reply (code, emphasis, lists, http links) and never markup from the text', async () => {
    const reply = [
      'Use **bold**, *italic* and `npm start`; see [the docs](https://example.com/docs?a=1&b=2).',
      '',
      '1. first',
      '2. second',
      '',
      '```sh',
      'echo "<b>not bold</b>"',
      '```',
      '[bad](javascript:alert(1)) <img src=x onerror="window.pwned=1">',
    ].join('\n');
    llm.enqueue({ text: reply });

    await page.fill('#message', 'Show me some formatting');
    await page.click('#send');
    expect((await watchReply()).state).toBe('final');

    const text = lastReply().locator('.text');
    expect(await text.locator('strong').textContent()).toBe('bold');
    expect(await text.locator('em').textContent()).toBe('italic');
    expect(await text.locator('p code').textContent()).toBe('npm start');
    expect(await text.locator('ol li').allTextContents()).toEqual(['first', 'second']);
    expect(await text.locator('pre code').textContent()).toBe('echo "<b>not bold</b>"');
    const links = text.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/docs?a=1&b=2');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await text.locator('img, b, script').count()).toBe(0);
    expect(await text.textContent()).toContain('[bad](javascript:alert(1)) <img src=x onerror="window.pwned=1">');
    expect(await page.evaluate('window.pwned')).toBeUndefined();
  });

  it('stops a long reply on Abort: the run shows aborted and its text stops growing', async () => {
    const full = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    llm.enqueue({ text: full, chunks: 40, chunkDelayMs: 200 });

    await page.fill('#message', 'Tell me a long story');
    await page.click('#send');
    // Abort once the new reply has started streaming (not on the previous, finished one).
    const streaming = page.locator('#messages li.msg.assistant[data-state="streaming"] .text');
    await expect.poll(async () => ((await streaming.count()) === 1 ? await streaming.textContent() : ''), { timeout: 10_000 }).not.toBe('');
    expect(await page.locator('#abort').isVisible()).toBe(true);
    await page.click('#abort');

    await expect.poll(() => lastReply().getAttribute('data-state'), { timeout: 10_000 }).toBe('aborted');
    expect(await lastReply().locator('.meta').textContent()).toContain('aborted');
    expect(await page.locator('#abort').isVisible()).toBe(false);
    const stopped = await replyText();
    await sleep(1_000);
    expect(await replyText()).toBe(stopped);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.length).toBeLessThan(full.length);
  });

  it('attaches an image: the chip shows it, and the model gets it with the message', async () => {
    llm.enqueue({ text: 'Four coloured squares.' });
    await page.setInputFiles('#file', { name: 'tiny.png', mimeType: 'image/png', buffer: Buffer.from(TINY_PNG_BASE64, 'base64') });
    await expect.poll(() => page.locator('#attachments li').textContent()).toContain('tiny.png');
    await page.fill('#message', 'What is in this picture?');
    // The previous test's reply is still the last one until this one appears.
    const replies = await page.locator('#messages li.msg.assistant').count();
    await page.click('#send');
    await expect.poll(() => page.locator('#messages li.msg.assistant').count()).toBe(replies + 1);

    const { state } = await watchReply();
    expect(state).toBe('final');
    expect(await replyText()).toBe('Four coloured squares.');
    expect(llm.requests.at(-1)).toMatchObject({
      userText: 'What is in this picture?\n[image attached: tiny.png]',
      userImages: [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }],
    });
    expect(await page.locator('#messages li.msg.user').last().locator('.meta').textContent()).toBe('you · 1 attachment(s)');
    expect(await page.locator('#attachments li').count()).toBe(0);
  });

  it('keeps what is not an image off the page, and shows the gateway refusing a disguised file', async () => {
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('some notes') });
    await expect.poll(() => page.locator('#error').textContent()).toContain('notes.txt: only PNG, JPEG, GIF and WebP images');
    expect(await page.locator('#attachments li').count()).toBe(0);

    await page.setInputFiles('#file', { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
    await expect.poll(() => page.locator('#attachments li').textContent()).toContain('fake.png');
    await page.fill('#message', 'Look at this');
    const shown = await page.locator('#messages li.msg').count();
    await page.click('#send');

    await expect.poll(() => page.locator('#error').textContent()).toContain('attachments[0] (fake.png): the content is not a valid image/png file');
    expect(await page.locator('#messages li.msg').count()).toBe(shown);
    expect(llm.requests).toEqual([]);
  });
});

describe('signing in without GATEWAY_TOKEN, and the pages on a phone', () => {
  let fresh: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    const dataDir = tempDir('webchat-generated');
    dirs.push(dataDir);
    fresh = await GatewayProcess.start({ SWITCHBOARD_DATA_DIR: dataDir, LLM_PROVIDER: 'echo' });
    // Not a terminal: the line names the token file instead of printing the token.
    const file = /Web chat: \S+\/chat \(sign in with the token in (\S+)\)/.exec(fresh.stdout)?.[1];
    expect(file).toBe(path.join(dataDir, 'gateway-token'));
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    token = fs.readFileSync(file!, 'utf8').trim();
    expect(fresh.stdout).not.toContain(token);
  });
  afterAll(() => fresh?.stop('SIGKILL'));

  it('signs in from the link with the generated token in the fragment, then clears it from the address', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${fresh.url}/chat#token=${encodeURIComponent(token)}`);
      await expect.poll(() => tab.locator('#status').textContent()).toBe('connected');
      expect(tab.url()).toBe(`${fresh.url}/chat`);
      expect(await tab.evaluate('sessionStorage.getItem("switchboard.webchat.token")')).toBe(token);
      expect(await tab.locator('#login').isVisible()).toBe(false);
    } finally {
      await tab.close();
    }
  });

  it('serves a landing page at / that links to the web chat and the admin console', async () => {
    const tab = await browser.newPage();
    try {
      const response = await tab.goto(`${fresh.url}/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toContain('text/html');
      expect(await tab.getByRole('link', { name: /Web chat/ }).getAttribute('href')).toBe('/chat');
      expect(await tab.getByRole('link', { name: /Admin console/ }).getAttribute('href')).toBe('/admin/');
    } finally {
      await tab.close();
    }
  });

  it('fits a 390 px wide phone: no sideways scrolling, the composer on screen under the sessions', async () => {
    const tab = await browser.newPage();
    try {
      await tab.setViewportSize({ width: 390, height: 844 });
      await tab.goto(`${fresh.url}/chat#token=${encodeURIComponent(token)}`);
      await expect.poll(() => tab.locator('#status').textContent()).toBe('connected');
      for (let i = 0; i < 6; i++) {
        await tab.fill('#message', `message ${i}: ${'a long line of words '.repeat(8)}`);
        await tab.click('#send');
        await expect.poll(() => tab.locator('#messages li.msg.assistant[data-state="final"]').count()).toBe(i + 1);
      }
      // The message list scrolls, not the page.
      expect(await tab.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(await tab.evaluate('document.documentElement.scrollHeight')).toBeLessThanOrEqual(844);
      const composer = (await tab.locator('#composer').boundingBox())!;
      const sessions = (await tab.locator('.sessions').boundingBox())!;
      expect(composer.x).toBeGreaterThanOrEqual(0);
      expect(composer.x + composer.width).toBeLessThanOrEqual(390);
      expect(composer.y + composer.height).toBeLessThanOrEqual(844);
      expect(sessions.y + sessions.height).toBeLessThanOrEqual(composer.y);
      expect(await tab.locator('#send').isVisible()).toBe(true);
    } finally {
      await tab.close();
    }
  });
});
