import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { adminConsolePlugin } from './admin-console.plugin';

const dirs: string[] = [];
let app: FastifyInstance;

/** A folder shaped like the console's static export. */
function fakeExport(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-admin-export-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'overview'));
  fs.mkdirSync(path.join(root, '_next/static/chunks'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<h1>home</h1>');
  fs.writeFileSync(path.join(root, '404.html'), '<h1>page not found</h1>');
  fs.writeFileSync(path.join(root, 'overview/index.html'), '<h1>overview</h1>');
  fs.writeFileSync(path.join(root, '_next/static/chunks/app-0a1b2c.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, '.build-stamp'), 'abc');
  return root;
}

async function serve(root: string): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(adminConsolePlugin, { root });
  app.get('/health', () => ({ status: 'ok' }));
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the admin console served by the gateway', () => {
  it('redirects /admin to /admin/ and serves the export’s index page there', async () => {
    await serve(fakeExport());
    const bare = await app.inject('/admin');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/admin/');
    const withQuery = await app.inject('/admin?next=%2Faudit%2F');
    expect(withQuery.headers.location).toBe('/admin/?next=%2Faudit%2F');

    const home = await app.inject('/admin/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toBe('<h1>home</h1>');
    expect(home.headers['content-type']).toContain('text/html');
    expect(home.headers['cache-control']).toBe('no-cache');
    expect(home.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(home.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves a screen as a folder, redirecting the path without its trailing slash', async () => {
    await serve(fakeExport());
    expect((await app.inject('/admin/overview/')).body).toBe('<h1>overview</h1>');
    const bare = await app.inject('/admin/overview');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/admin/overview/');
  });

  it('caches hashed assets for good', async () => {
    await serve(fakeExport());
    const asset = await app.inject('/admin/_next/static/chunks/app-0a1b2c.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers an unknown path under /admin, and a dotfile, with the export’s 404 page', async () => {
    await serve(fakeExport());
    for (const url of ['/admin/no-such-screen/', '/admin/no/such/file.js', '/admin/.build-stamp']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).toBe('<h1>page not found</h1>');
      expect(response.headers['content-type']).toContain('text/html');
    }
    // Routes outside /admin are not the console's business.
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await app.inject('/nothing-here')).body).not.toContain('page not found');
  });

  it('answers 503 naming the fix when the console was not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-admin-empty-'));
    dirs.push(empty);
    await serve(empty);
    const response = await app.inject('/admin/overview/');
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    expect((await app.inject('/admin')).statusCode).toBe(301);
  });
});
