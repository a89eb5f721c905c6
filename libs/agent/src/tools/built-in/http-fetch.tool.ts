import type { AgentTool, ToolCallContext, ToolResult } from '../agent-tool';

/** Bytes of a response body read at most; the rest is left unread. */
export const HTTP_FETCH_MAX_BYTES = 100_000;
const MAX_REDIRECTS = 3;
const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|[a-z.+-]*\+json|[a-z.+-]*\+xml))/i;

/**
 * GETs a URL whose host AGENT_HTTP_FETCH_HOSTS lists: "example.com" (any port), "example.com:8080",
 * or "*.example.com" (its subdomains). Redirects are followed only to listed hosts.
 */
export function httpFetchTool(hosts: readonly string[]): AgentTool {
  return {
    name: 'http_fetch',
    description: `GET a web page or API over HTTP(S) and read its text (at most ${HTTP_FETCH_MAX_BYTES} bytes). Allowed hosts: ${hosts.join(', ')}.`,
    parameters: {
      type: 'object',
      properties: { url: { type: 'string', description: 'Absolute http:// or https:// URL on an allowed host.' } },
      required: ['url'],
      additionalProperties: false,
    },
    permission: 'everyone',
    requiresApproval: false,
    timeoutMs: 10_000,
    async run(args, context: ToolCallContext): Promise<ToolResult> {
      let url = String(args.url);
      for (let redirects = 0; ; redirects++) {
        const refusal = refusalOf(url, hosts);
        if (refusal) return { content: refusal, isError: true };
        const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: context.signal });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel();
          if (redirects === MAX_REDIRECTS) return { content: `More than ${MAX_REDIRECTS} redirects from ${args.url}.`, isError: true };
          url = new URL(location, url).toString();
          continue;
        }
        return describe(response, url);
      }
    },
  };
}

/** Why the URL may not be fetched, or undefined when it may. */
export function refusalOf(url: string, hosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not an absolute URL.`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `Only http and https URLs can be fetched, not ${parsed.protocol}`;
  if (!hostAllowed(parsed, hosts)) return `${parsed.host} is not among the hosts http_fetch may reach (${hosts.join(', ') || 'none'}).`;
  return undefined;
}

function hostAllowed(url: URL, hosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  return hosts.some((entry) => {
    const colon = entry.lastIndexOf(':');
    const [name, port] = colon > 0 ? [entry.slice(0, colon), entry.slice(colon + 1)] : [entry, undefined];
    if (port !== undefined && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
    return name.startsWith('*.') ? hostname.endsWith(name.slice(1)) : hostname === name;
  });
}

async function describe(response: Response, url: string): Promise<ToolResult> {
  const type = response.headers.get('content-type') ?? '';
  const head = `GET ${url} → HTTP ${response.status}${type ? ` (${type})` : ''}`;
  if (!TEXT_TYPES.test(type)) {
    await response.body?.cancel();
    return { content: `${head}\n[the body is not text and is not shown]`, isError: !response.ok };
  }
  const { text, cut } = await readCapped(response);
  return { content: `${head}\n\n${text}${cut ? `\n[cut at ${HTTP_FETCH_MAX_BYTES} bytes]` : ''}`, isError: !response.ok };
}

async function readCapped(response: Response): Promise<{ text: string; cut: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return { text: '', cut: false };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: Buffer.concat(chunks).toString('utf8'), cut: false };
    chunks.push(value);
    size += value.byteLength;
    if (size >= HTTP_FETCH_MAX_BYTES) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, HTTP_FETCH_MAX_BYTES).toString('utf8'), cut: true };
    }
  }
}
