import type { WhatsAppAPI } from 'whatsapp-api-js' with { 'resolution-mode': 'import' };
import { graphError, graphUnreachable, type GraphErrorBody } from './whatsapp.errors';

type WhatsAppSdk = typeof import('whatsapp-api-js', { with: { 'resolution-mode': 'import' } });
type WhatsAppMessages = typeof import('whatsapp-api-js/messages', { with: { 'resolution-mode': 'import' } });

export type { WhatsAppAPI };

/** The Cloud API version the adapter speaks (the SDK's own default, pinned so an SDK update does not move it). */
export const GRAPH_API_VERSION = 'v24.0';
const GRAPH_HOST = 'https://graph.facebook.com';
const CALL_TIMEOUT_MS = 30_000;

export interface WhatsAppGraphOptions {
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Where Graph API calls go instead of https://graph.facebook.com (a proxy, or a fake in tests). */
  apiRoot: string;
}

/** The SDK client and its message classes, loaded together (the SDK is an ES module). */
export interface WhatsAppGraph {
  api: WhatsAppAPI;
  messages: WhatsAppMessages;
}

export async function createWhatsAppGraph(options: WhatsAppGraphOptions): Promise<WhatsAppGraph> {
  const [sdk, messages]: [WhatsAppSdk, WhatsAppMessages] = await Promise.all([import('whatsapp-api-js'), import('whatsapp-api-js/messages')]);
  const api = new sdk.WhatsAppAPI({
    token: options.accessToken,
    appSecret: options.appSecret,
    webhookVerifyToken: options.verifyToken,
    v: GRAPH_API_VERSION,
    ponyfill: { fetch: graphFetch(options.apiRoot) },
  });
  return { api, messages };
}

/**
 * The fetch the SDK calls through: Graph API URLs go to `apiRoot`, each call has a timeout, and
 * an answer that is not 2xx becomes a DomainError (the SDK itself parses any answer as success).
 * Media URLs from a media lookup (lookaside.fbsbx.com) are fetched as they are.
 */
export function graphFetch(apiRoot: string): typeof fetch {
  const root = apiRoot.replace(/\/+$/, '');
  return async (input, init) => {
    const original = input instanceof Request ? input.url : String(input);
    const url = original.startsWith(`${GRAPH_HOST}/`) ? root + original.slice(GRAPH_HOST.length) : original;
    const call = callName(url, init?.method);
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (error) {
      throw graphUnreachable(call, error);
    }
    if (response.ok) return response;
    const body = (await response.json().catch(() => undefined)) as { error?: GraphErrorBody } | undefined;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw graphError(call, response.status, body?.error, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  };
}

// "POST /messages", "GET media": names the call in errors without ids or tokens.
function callName(url: string, method = 'GET'): string {
  const path = new URL(url).pathname;
  return path.endsWith('/messages') ? `${method} messages` : `${method} media`;
}
