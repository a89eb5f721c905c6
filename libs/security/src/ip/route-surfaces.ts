import type { IpSurface } from './ip-rules';

/**
 * The surface a path belongs to: the three with IP lists, or `health` (liveness and readiness,
 * which load balancers and orchestrators probe from wherever they run: never restricted).
 */
export type RouteSurface = IpSurface | 'health';

interface SurfaceEntry {
  /** Covers this path and every path below it ("/admin" covers "/admin/users"); "/" covers only "/". */
  path: string;
  surface: RouteSurface;
}

/**
 * Every path the gateway serves, by surface. A route outside this table stops the gateway at start
 * (see RouteSurfaceHook), so adding a route means adding its line here.
 */
export const ROUTE_SURFACES: readonly SurfaceEntry[] = [
  { path: '/webhooks', surface: 'webhook' },
  // The admin console, its API, and the local API of the `switchboard` CLI.
  { path: '/admin', surface: 'admin' },
  { path: '/api/admin', surface: 'admin' },
  { path: '/api/local', surface: 'admin' },
  // The WebSocket control plane on "/", and what is built on it or shows its state.
  { path: '/', surface: 'control' },
  { path: '/chat', surface: 'control' },
  { path: '/v1', surface: 'control' },
  { path: '/metrics', surface: 'control' },
  { path: '/health', surface: 'health' },
  { path: '/ready', surface: 'health' },
];

/**
 * The surface of a request path or route pattern ("/webhooks/:platform"), query ignored; undefined
 * for a path no entry covers. The most specific entry wins.
 */
export function surfaceOfPath(url: string): RouteSurface | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  let best: SurfaceEntry | undefined;
  for (const entry of ROUTE_SURFACES) {
    const covers = path === entry.path || (entry.path !== '/' && path.startsWith(`${entry.path}/`));
    if (covers && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best?.surface;
}
