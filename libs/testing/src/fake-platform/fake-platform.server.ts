import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnFreePort } from '../ports';

/** A file part of a multipart body. */
export interface FakeUploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One HTTP call as the fake received it. */
export interface FakePlatformCall {
  method: string;
  path: string;
  /** The pattern of the route that matched, `undefined` when none did. */
  route: string | undefined;
  /** The route's `:name` segments, URL-decoded. */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** JSON object, form or multipart fields (files as `FakeUploadedFile`); `{}` for anything else. */
  body: Record<string, unknown>;
  rawBody: string;
  receivedAt: Date;
  /** The HTTP status the fake answered with; unset until answered (and for stalled calls). */
  status?: number;
}

export interface FakePlatformReply {
  /** Defaults to 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string or a Buffer. */
  body?: unknown;
}

export type FakeRouteHandler = (call: FakePlatformCall) => FakePlatformReply | Promise<FakePlatformReply>;

/** Selects calls: fields that must all match (a string path matches exactly), or a predicate. */
export type FakeCallFilter =
  | { method?: string; path?: string | RegExp; route?: string }
  | ((call: FakePlatformCall) => boolean);

type Route = { method: string; pattern: string; regex: RegExp; names: string[]; handler: FakeRouteHandler };
type InjectedFailure = { method: string; regex: RegExp; reply: FakePlatformReply; remaining: number };
type InjectedStall = { method: string; regex: RegExp; remaining: number };
type Waiter = { matches: (call: FakePlatformCall) => boolean; resolve: (call: FakePlatformCall) => void; fail: (error: Error) => void };

/**
 * Base for fake chat-platform APIs (Telegram, Slack, ...) on 127.0.0.1: register routes in a
 * subclass or from a test, point the real SDK at `url`, then assert on the recorded calls.
 */
export class FakePlatformServer {
  private readonly routes: Route[] = [];
  private readonly failures: InjectedFailure[] = [];
  private readonly stalls: InjectedStall[] = [];
  private readonly recorded: FakePlatformCall[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private port: number | undefined;

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.server);
  }

  /** Closes the server, drops keep-alive sockets at once and fails pending `waitForCall`s. */
  async stop(): Promise<void> {
    for (const waiter of this.waiters) waiter.fail(new Error(`${this.constructor.name} stopped while waiting for a call`));
    this.waiters.clear();
    await closeServer(this.server);
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    if (this.port === undefined) throw new Error(`${this.constructor.name} is not started`);
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Answers `method` requests whose path matches `pattern`, where `:name` captures up to the next
   * `/` (`/bot:token/:apiMethod`). The latest registration wins, so a test can override a
   * subclass's default route.
   */
  route(method: string, pattern: string, handler: FakeRouteHandler): this {
    this.routes.unshift({ method: method.toUpperCase(), pattern, ...compilePattern(pattern), handler });
    return this;
  }

  /** The next `times` calls matching `method` and `pattern` get `reply` instead of the route's answer. */
  failNext(method: string, pattern: string, reply: FakePlatformReply, times = 1): this {
    this.failures.push({ method: method.toUpperCase(), regex: compilePattern(pattern).regex, reply, remaining: times });
    return this;
  }

  /**
   * The next `times` calls matching `method` and `pattern` are carried out (a message is stored,
   * ...) but never answered: the caller cannot know they worked, as when its process dies between
   * the platform's acceptance and its record of it.
   */
  stallAnswerNext(method: string, pattern: string, times = 1): this {
    this.stalls.push({ method: method.toUpperCase(), regex: compilePattern(pattern).regex, remaining: times });
    return this;
  }

  /** The recorded calls, oldest first, optionally filtered. */
  calls(filter?: FakeCallFilter): FakePlatformCall[] {
    return filter ? this.recorded.filter(toPredicate(filter)) : [...this.recorded];
  }

  /**
   * Resolves with the first recorded call that matches (one already received counts), or the next
   * one to arrive; rejects after `timeoutMs` with the calls that did arrive, to make the failure
   * readable.
   */
  waitForCall(filter: FakeCallFilter, timeoutMs = 2_000): Promise<FakePlatformCall> {
    const matches = toPredicate(filter);
    const existing = this.recorded.find(matches);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const received = this.recorded.map((call) => `${call.method} ${call.path}`).join(', ') || 'none';
        reject(new Error(`No call matching ${describeFilter(filter)} within ${timeoutMs}ms; calls received: ${received}`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Forgets the recorded calls and pending injected failures and stalls; routes stay. */
  clear(): void {
    this.recorded.length = 0;
    this.failures.length = 0;
    this.stalls.length = 0;
  }

  /** The answer to a call no route matches; subclasses override it to mimic their platform's 404. */
  protected unmatched(call: FakePlatformCall): FakePlatformReply {
    return { status: 404, body: { error: `${this.constructor.name} has no route for ${call.method} ${call.path}` } };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { call, route } = await this.record(req);
      const reply = await this.answer(call, route);
      if (this.takeStall(call)) return; // the socket closes with the server
      call.status = reply.status ?? 200;
      send(res, reply);
    } catch (error) {
      if (!res.headersSent) send(res, { status: 500, body: { error: `${this.constructor.name} failed: ${String(error)}` } });
    }
  }

  private takeStall(call: FakePlatformCall): boolean {
    const stall = this.stalls.find((candidate) => candidate.method === call.method && candidate.regex.test(call.path));
    if (!stall) return false;
    stall.remaining--;
    if (stall.remaining <= 0) this.stalls.splice(this.stalls.indexOf(stall), 1);
    return true;
  }

  private async record(req: IncomingMessage): Promise<{ call: FakePlatformCall; route: Route | undefined }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const route = this.routes.find((candidate) => candidate.method === method && candidate.regex.test(url.pathname));
    const call: FakePlatformCall = {
      method,
      path: url.pathname,
      route: route?.pattern,
      params: route ? paramsOf(route, url.pathname) : {},
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: await parseBody(req.headers['content-type'], raw),
      rawBody: raw.toString('utf8'),
      receivedAt: new Date(),
    };
    this.recorded.push(call);
    for (const waiter of this.waiters) {
      if (!waiter.matches(call)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(call);
    }
    return { call, route };
  }

  private async answer(call: FakePlatformCall, route: Route | undefined): Promise<FakePlatformReply> {
    const failure = this.failures.find((candidate) => candidate.method === call.method && candidate.regex.test(call.path));
    if (failure) {
      failure.remaining--;
      if (failure.remaining <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return failure.reply;
    }
    return route ? route.handler(call) : this.unmatched(call);
  }
}

function compilePattern(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function paramsOf(route: Route, path: string): Record<string, string> {
  const values = route.regex.exec(path)?.slice(1) ?? [];
  return Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
}

function toPredicate(filter: FakeCallFilter): (call: FakePlatformCall) => boolean {
  if (typeof filter === 'function') return filter;
  return (call) =>
    (filter.method === undefined || filter.method.toUpperCase() === call.method) &&
    (filter.route === undefined || filter.route === call.route) &&
    (filter.path === undefined || (typeof filter.path === 'string' ? filter.path === call.path : filter.path.test(call.path)));
}

function describeFilter(filter: FakeCallFilter): string {
  if (typeof filter === 'function') return `predicate ${filter.toString().slice(0, 120)}`;
  return Object.entries(filter)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<Record<string, unknown>> {
  const type = contentType?.toLowerCase() ?? '';
  if (raw.length === 0) return {};
  if (type.startsWith('application/json')) {
    try {
      const value: unknown = JSON.parse(raw.toString('utf8'));
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type.startsWith('multipart/form-data')) {
    // Node's fetch Response parses multipart; the original header keeps the case-sensitive boundary.
    const form = await new Response(canonicalPartHeaders(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [name, value] of form) {
      fields[name] =
        typeof value === 'string'
          ? value
          : { filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) };
    }
    return fields;
  }
  return {};
}

function send(res: ServerResponse, reply: FakePlatformReply): void {
  const { status = 200, headers = {}, body } = reply;
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  let payload: string | Buffer = '';
  let type = 'text/plain; charset=utf-8';
  if (Buffer.isBuffer(body)) [payload, type] = [body, 'application/octet-stream'];
  else if (typeof body === 'string') payload = body;
  else if (body !== undefined) [payload, type] = [JSON.stringify(body), 'application/json'];
  // A 204 has no body, and platforms (Discord) send it without a content type.
  res.writeHead(status, hasType || status === 204 ? headers : { ...headers, 'content-type': type });
  res.end(payload);
}

/**
 * Some SDKs (grammy) write part headers as `content-disposition:form-data;name="x";filename=a.png`,
 * which platforms accept but Node's FormData parser does not: rewrite them to the spaced, quoted
 * form. Others (Feishu's, through axios) send a file as a part with a Content-Type but no file
 * name, which the parser would read as text: such a part gets the name `blob`. latin1 keeps every
 * other byte as it was.
 */
function canonicalPartHeaders(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/^content-disposition:\s*form-data;\s*name="([^"]*)"(?:;\s*filename=("?)([^"\r\n]*)\2)?\r$/gim, (_line, name: string, _quote, filename?: string) =>
      filename === undefined ? `Content-Disposition: form-data; name="${name}"\r` : `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r`,
    )
    .replace(/^(Content-Disposition: form-data; name="[^"]*")(\r\ncontent-type:)/gim, '$1; filename="blob"$2');
  return Buffer.from(text, 'latin1');
}
