import { createServer, type IncomingMessage, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { closeServer, listenOnFreePort } from '../ports';
import { anthropicDialect } from './anthropic.dialect';
import { countTokens, fakeId, lastUserImages, lastUserText, promptTokens, splitIntoChunks, systemText } from './fake-llm.text';
import type { FakeLlmError, FakeLlmReply, FakeLlmRequest, FakeLlmResponder } from './fake-llm.types';
import { ClientGoneError, type LlmDialect, type ReplyPlan, ReplyStream } from './llm-dialect';
import { ollamaDialect } from './ollama.dialect';
import { openAiDialect } from './openai.dialect';

export interface FakeLlmServerOptions {
  /** Model names listed by `GET /v1/models` and `GET /api/tags`. */
  models?: string[];
}

const DEFAULT_CHUNKS = 3;

/**
 * A stand-in for OpenAI-compatible, Anthropic and Ollama servers on 127.0.0.1, speaking each wire
 * format closely enough for the official clients. Replies come from `enqueue()`d scripts, then the
 * `respondWith()` function, then the default: `echo: <last user message>`.
 */
export class FakeLlmServer {
  /** Every request received, in order, including ones answered with errors or 404. */
  readonly requests: FakeLlmRequest[] = [];
  private readonly queue: FakeLlmReply[] = [];
  private responder: FakeLlmResponder | undefined;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private port: number | undefined;

  constructor(private readonly options: FakeLlmServerOptions = {}) {}

  async start(): Promise<void> {
    this.port = await listenOnFreePort(this.server);
  }

  /** Closes the server and cuts open streams, including hung ones. */
  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    if (this.port === undefined) throw new Error('FakeLlmServer is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** For `new OpenAI({ baseURL })`. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /** For `new Anthropic({ baseURL })`; the SDK adds `/v1` itself. */
  get anthropicBaseUrl(): string {
    return this.url;
  }

  /** For `new Ollama({ host })`. */
  get ollamaHost(): string {
    return this.url;
  }

  /** Scripts the replies to the next chat requests, in order; they win over the responder. */
  enqueue(...replies: FakeLlmReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Decides the replies once the queue is empty; `undefined` restores the echo default. */
  respondWith(responder: FakeLlmResponder | undefined): this {
    this.responder = responder;
    return this;
  }

  /** Forgets the recorded requests. */
  clear(): void {
    this.requests.length = 0;
  }

  /** Forgets the recorded requests, the queued replies and the responder. */
  reset(): void {
    this.clear();
    this.queue.length = 0;
    this.responder = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // `gone` fires when the connection closes before the reply ended: client abort, timeout or stop().
    const gone = new AbortController();
    try {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const rawBody = await readBody(req);
      const route = routeFor(req.method ?? 'GET', path, req.headers);
      const body = parseJson(rawBody);
      const request = this.record(req, path, route?.dialect, body ?? {});
      res.on('close', () => {
        if (!res.writableFinished) {
          request.aborted = true;
          request.abortedAt = performance.timeOrigin + performance.now();
        }
        gone.abort();
      });

      if (!route) return sendJson(res, 404, { error: `The fake LLM server has no route for ${req.method} ${path}` });
      const { dialect } = route;
      if (route.kind === 'models') return sendJson(res, 200, dialect.modelList(this.options.models ?? ['fake-model']));
      const invalid = body === undefined ? { status: 400, message: 'The request body is not valid JSON.' } : dialect.validate(body);
      if (invalid) return sendError(res, dialect, invalid);

      await this.reply(res, dialect, request, await this.nextReply(request), gone.signal);
    } catch (error) {
      if (error instanceof ClientGoneError || gone.signal.aborted) return;
      if (!res.headersSent) return sendJson(res, 500, { error: `The fake LLM server failed: ${String(error)}` });
      res.destroy();
    }
  }

  private record(req: IncomingMessage, path: string, dialect: LlmDialect | undefined, body: Record<string, unknown>) {
    const request: FakeLlmRequest = {
      api: dialect?.api ?? 'unknown',
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      model: typeof body.model === 'string' ? body.model : undefined,
      stream: dialect?.isStream(body) ?? false,
      userText: lastUserText(body),
      userImages: lastUserImages(body),
      systemText: systemText(body),
      sampling: dialect?.sampling(body) ?? { maxOutputTokens: undefined, temperature: undefined },
      receivedAt: new Date(),
      aborted: false,
    };
    this.requests.push(request);
    return request;
  }

  private async nextReply(request: FakeLlmRequest): Promise<FakeLlmReply> {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.responder) return this.responder(request);
    return { text: `echo: ${request.userText}` };
  }

  private async reply(
    res: ServerResponse,
    dialect: LlmDialect,
    request: FakeLlmRequest,
    reply: FakeLlmReply,
    gone: AbortSignal,
  ): Promise<void> {
    if (reply.error) return sendError(res, dialect, reply.error);
    // Left unanswered on purpose: the client's timeout or abort, or stop(), ends it.
    if (reply.hang === 'no-response') return;

    const plan = planReply(request, reply);
    const stallAfter = reply.hang === 'mid-stream' ? Math.floor(plan.chunks.length / 2) : undefined;
    const out = new ReplyStream(res, gone, reply.chunkDelayMs ?? 0, stallAfter);
    const headers = { [dialect.requestIdHeader]: fakeId('req_') };

    if (request.stream) {
      res.writeHead(200, { ...headers, 'content-type': dialect.streamContentType, 'cache-control': 'no-cache' });
      res.flushHeaders();
      return dialect.stream(plan, out);
    }
    if (reply.hang === 'mid-stream') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.flushHeaders();
      return out.stall();
    }
    await out.pause((reply.chunkDelayMs ?? 0) * plan.chunks.length);
    sendJson(res, 200, dialect.completion(plan), headers);
  }
}

type Route = { dialect: LlmDialect; kind: 'chat' | 'models' };

function routeFor(method: string, path: string, headers: IncomingHttpHeaders): Route | undefined {
  if (method === 'POST' && path === '/v1/chat/completions') return { dialect: openAiDialect, kind: 'chat' };
  if (method === 'POST' && path === '/v1/messages') return { dialect: anthropicDialect, kind: 'chat' };
  if (method === 'POST' && path === '/api/chat') return { dialect: ollamaDialect, kind: 'chat' };
  if (method === 'GET' && path === '/api/tags') return { dialect: ollamaDialect, kind: 'models' };
  // OpenAI and Anthropic share this path; the Anthropic SDK always sends its version header.
  if (method === 'GET' && path === '/v1/models') {
    return { dialect: headers['anthropic-version'] ? anthropicDialect : openAiDialect, kind: 'models' };
  }
  return undefined;
}

function planReply(request: FakeLlmRequest, reply: FakeLlmReply): ReplyPlan {
  const text = reply.text ?? '';
  const toolCalls = reply.toolCalls ?? [];
  const replyWords = [text, ...toolCalls.map((call) => JSON.stringify(call.arguments))].join(' ');
  return {
    model: request.model ?? 'fake-model',
    body: request.body,
    chunks: text === '' ? [] : splitIntoChunks(text, reply.chunks ?? DEFAULT_CHUNKS),
    reasoning: reply.reasoning ? splitIntoChunks(reply.reasoning, 2) : [],
    toolCalls,
    usage: reply.usage ?? { inputTokens: promptTokens(request.body), outputTokens: Math.max(1, countTokens(replyWords)) },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `{}` for an empty body, `undefined` for one that is not a JSON object. */
function parseJson(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, dialect: LlmDialect, error: FakeLlmError): void {
  const headers: Record<string, string> = { [dialect.requestIdHeader]: fakeId('req_') };
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  sendJson(res, error.status, dialect.errorBody(error), headers);
}
