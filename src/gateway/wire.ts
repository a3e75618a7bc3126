// What the service worker and the page hosting the platform say to each other about one HTTP
// request. Request and Response objects cannot be posted, so they travel as plain data with the
// body as an ArrayBuffer (transferred, not copied). Realm-neutral: used by the service worker
// (lib "webworker") and the page (lib "dom").

/** Requests under this path are the gateway's; nothing else is served differently. */
export const API_PREFIX = '/api/';
/** Bodies over this size are refused with 413 before they reach the platform. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** The Web Lock the hosting tab holds; the one holding it answers every gateway request. */
export const HOST_LOCK = 'nanofaas-gateway-host';
/** The message type a page listens for on navigator.serviceWorker. */
export const GATEWAY_MESSAGE = 'nanofaas-gateway-request';

export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
  /** Epoch ms when the service worker received it (performance.timeOrigin + now). */
  receivedAt: number;
}

export interface WireResponse {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

/** Posted to the page with a MessagePort; the page answers on the port. */
export interface GatewayRequestMessage {
  type: typeof GATEWAY_MESSAGE;
  request: WireRequest;
}

/** The page's answers on the port: first whether it hosts the platform, then the response. */
export type GatewayReply =
  { type: 'accepted'; host: string } | { type: 'not-host' } | { type: 'response'; response: WireResponse };

export async function toWireResponse(response: Response): Promise<WireResponse> {
  return {
    status: response.status,
    headers: [...response.headers],
    body: await response.arrayBuffer(),
  };
}

export function fromWireResponse(wire: WireResponse): Response {
  // 204 and 304 must not have a body, even an empty one.
  const noBody = wire.status === 204 || wire.status === 304;
  return new Response(noBody ? null : wire.body, { status: wire.status, headers: wire.headers });
}

export function fromWireRequest(wire: WireRequest): Request {
  const hasBody = wire.body !== null && wire.method !== 'GET' && wire.method !== 'HEAD';
  return new Request(wire.url, {
    method: wire.method,
    headers: wire.headers,
    body: hasBody ? wire.body : null,
  });
}

/** A plain-text answer with a sentence (gateway errors are meant to be read by people). */
export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text.endsWith('\n') ? text : text + '\n', {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  });
}

/**
 * Reads a body up to `limit` bytes; null when it is longer (the rest is not read). Reading stops
 * early, so a 100 MB upload costs no more than 32 MiB of memory.
 */
export async function readBodyWithin(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<ArrayBuffer | null> {
  if (!body) return new ArrayBuffer(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

export function tooLarge(): Response {
  return textResponse(
    413,
    `Request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MiB (a module or a request body for a function)`,
  );
}
