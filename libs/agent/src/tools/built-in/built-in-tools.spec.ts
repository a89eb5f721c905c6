import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTimeTool } from './current-time.tool';
import { HTTP_FETCH_MAX_BYTES, httpFetchTool } from './http-fetch.tool';

const context = { sessionId: 's', platform: 'telegram', senderId: 'ada', signal: new AbortController().signal };

describe('current_time', () => {
  it('tells the time in the IANA zone asked for, UTC by default', async () => {
    const before = Date.now();
    const berlin = JSON.parse((await currentTimeTool.run({ timeZone: 'Europe/Berlin' }, context)).content);
    const after = Date.now();
    expect(berlin).toMatchObject({ timeZone: 'Europe/Berlin', local: expect.stringMatching(/\d{2}:\d{2}:\d{2}/) });
    // The time of the call, whatever the load: between the clock before and after it (ISO keeps milliseconds).
    expect(Date.parse(berlin.iso)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(berlin.iso)).toBeLessThanOrEqual(after);
    expect(JSON.parse((await currentTimeTool.run({}, context)).content).timeZone).toBe('UTC');
  });

  it('answers an unknown zone with an error the model can act on', async () => {
    expect(await currentTimeTool.run({ timeZone: 'Mars/Olympus' }, context)).toEqual({ content: expect.stringMatching(/^Unknown time zone "Mars\/Olympus"/), isError: true });
  });
});

describe('http_fetch', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url === '/hello') return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello there');
      if (req.url === '/big') return res.writeHead(200, { 'content-type': 'text/plain' }).end('y'.repeat(HTTP_FETCH_MAX_BYTES * 2));
      if (req.url === '/image') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(10));
      if (req.url === '/away') return res.writeHead(302, { location: 'http://elsewhere.test/x' }).end();
      if (req.url === '/here') return res.writeHead(301, { location: '/hello' }).end();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const fetchOn = (hosts: string[], url: string) => httpFetchTool(hosts).run({ url }, context);

  it('GETs a page on a listed host', async () => {
    expect(await fetchOn([`127.0.0.1:${port}`], `http://127.0.0.1:${port}/hello`)).toEqual({
      content: `GET http://127.0.0.1:${port}/hello → HTTP 200 (text/plain)\n\nhello there`,
      isError: false,
    });
  });

  it('refuses a host, port or scheme not listed without sending anything', async () => {
    const before = requests.length;
    expect(await fetchOn(['example.com'], `http://127.0.0.1:${port}/hello`)).toMatchObject({ content: expect.stringMatching(/is not among the hosts/), isError: true });
    expect(await fetchOn(['127.0.0.1:1'], `http://127.0.0.1:${port}/hello`)).toMatchObject({ isError: true });
    expect(await fetchOn(['127.0.0.1'], 'file:///etc/passwd')).toMatchObject({ content: expect.stringMatching(/^Only http and https/), isError: true });
    expect(requests.length).toBe(before);
  });

  it('follows a redirect on a listed host, never one off the list', async () => {
    expect((await fetchOn(['127.0.0.1'], `http://127.0.0.1:${port}/here`)).content).toMatch(/\/hello → HTTP 200[^]*hello there$/);
    expect(await fetchOn(['127.0.0.1'], `http://127.0.0.1:${port}/away`)).toMatchObject({ content: expect.stringMatching(/elsewhere\.test is not among the hosts/), isError: true });
  });

  it('caps the body and leaves out what is not text', async () => {
    const big = await fetchOn(['127.0.0.1'], `http://127.0.0.1:${port}/big`);
    expect(big.content).toMatch(new RegExp(`y{${HTTP_FETCH_MAX_BYTES}}\\n\\[cut at ${HTTP_FETCH_MAX_BYTES} bytes\\]$`));
    expect((await fetchOn(['127.0.0.1'], `http://127.0.0.1:${port}/image`)).content).toMatch(/\[the body is not text and is not shown\]$/);
    expect(await fetchOn(['127.0.0.1'], `http://127.0.0.1:${port}/missing`)).toMatchObject({ isError: true });
  });
});
