import { describe, expect, it } from 'vitest';
import { surfaceOfPath } from './route-surfaces';

describe('surfaceOfPath', () => {
  it.each([
    ['/webhooks/telegram', 'webhook'],
    ['/webhooks/:platform/:account', 'webhook'],
    ['/admin', 'admin'],
    ['/admin/', 'admin'],
    ['/admin/assets/app.js', 'admin'],
    ['/api/admin/operators?page=2', 'admin'],
    ['/api/local/devices/approve', 'admin'],
    ['/', 'control'],
    ['/?token=x', 'control'],
    ['/chat', 'control'],
    ['/chat/webchat.js', 'control'],
    ['/v1/chat/completions', 'control'],
    ['/metrics', 'control'],
    ['/health', 'health'],
    ['/ready', 'health'],
  ])('puts %s on the %s surface', (path, surface) => {
    expect(surfaceOfPath(path)).toBe(surface);
  });

  it('matches whole path segments only', () => {
    expect(surfaceOfPath('/administrator')).toBeUndefined();
    expect(surfaceOfPath('/healthz')).toBeUndefined();
    expect(surfaceOfPath('/api')).toBeUndefined();
    expect(surfaceOfPath('/favicon.ico')).toBeUndefined();
  });
});
