// The service worker's half of the HTTP gateway: a request under /api/ is posted to the tab that
// hosts the platform (the holder of a Web Lock), which answers on a MessagePort. It never hangs:
// no host → 503 at once; a tab that does not take the request within ACCEPT_TIMEOUT_MS, or that
// closes while its function runs → 503 with a sentence.
import {
  API_PREFIX,
  GATEWAY_MESSAGE,
  HOST_LOCK,
  MAX_BODY_BYTES,
  fromWireResponse,
  textResponse,
  tooLarge,
  type GatewayReply,
  type GatewayRequestMessage,
  type WireRequest,
} from '../gateway/wire';

/** A tab must say whether it hosts the platform within this time (it answers at once unless frozen). */
export const ACCEPT_TIMEOUT_MS = 5000;
/** While a function runs, how often the service worker checks that the hosting tab is still open. */
export const ALIVE_CHECK_MS = 500;

/** The parts of the service worker's globals the gateway uses; tests pass fakes. */
export interface GatewaySwEnvironment {
  clients: Pick<Clients, 'get' | 'matchAll'>;
  locks?: Pick<LockManager, 'query'>;
  now(): number;
}

export function isGatewayRequest(url: URL, origin: string): boolean {
  return (
    url.origin === origin && (url.pathname.startsWith(API_PREFIX) || url.pathname === API_PREFIX.slice(0, -1))
  );
}

function noHost(origin: string, why: string): Response {
  return textResponse(
    503,
    `${why} The nanofaas platform runs in the app's page: open ${origin}/ in a tab, then send the request again.`,
    { 'Retry-After': '1' },
  );
}

/** The tabs to ask, the lock holder first; [] when the lock says nobody hosts. */
async function candidates(env: GatewaySwEnvironment): Promise<Client[]> {
  const windows = await env.clients.matchAll({ type: 'window', includeUncontrolled: true });
  let holder: string | undefined;
  let known = false;
  try {
    const snapshot = await env.locks?.query();
    if (snapshot) {
      known = true;
      holder = snapshot.held?.find((l) => l.name === HOST_LOCK)?.clientId;
    }
  } catch {
    // no Web Locks here: ask every tab
  }
  if (known && holder === undefined) return [];
  // Pages showing a gateway answer run no app code; asking them would only wait for the timeout.
  const pages = windows.filter((c) => !new URL(c.url).pathname.startsWith(API_PREFIX));
  const first = pages.filter((c) => c.id === holder);
  return [...first, ...pages.filter((c) => c.id !== holder)];
}

type Asked = Response | 'not-host' | 'no-answer';

function ask(client: Client, request: WireRequest, env: GatewaySwEnvironment): Promise<Asked> {
  const channel = new MessageChannel();
  return new Promise<Asked>((resolve) => {
    let alive: ReturnType<typeof setInterval> | undefined;
    const finish = (answer: Asked) => {
      clearTimeout(acceptTimer);
      clearInterval(alive);
      channel.port1.close();
      resolve(answer);
    };
    const acceptTimer = setTimeout(() => finish('no-answer'), ACCEPT_TIMEOUT_MS);
    channel.port1.onmessage = (ev: MessageEvent<GatewayReply>) => {
      const reply = ev.data;
      if (reply.type === 'not-host') finish('not-host');
      else if (reply.type === 'response') finish(fromWireResponse(reply.response));
      else if (reply.type === 'accepted') {
        clearTimeout(acceptTimer);
        // A function may run for its whole timeout (minutes): wait as long as the tab is open.
        alive = setInterval(async () => {
          if (!(await env.clients.get(client.id)))
            finish(
              textResponse(
                503,
                'The tab hosting the nanofaas platform closed before the function answered; send the request again.',
              ),
            );
        }, ALIVE_CHECK_MS);
      }
    };
    const body = request.body?.slice(0) ?? null;
    const message: GatewayRequestMessage = { type: GATEWAY_MESSAGE, request: { ...request, body } };
    client.postMessage(message, body ? [channel.port2, body] : [channel.port2]);
  });
}

/** Answers a gateway request by forwarding it to the hosting tab. */
export async function forwardToHost(request: Request, env: GatewaySwEnvironment): Promise<Response> {
  const origin = new URL(request.url).origin;
  let body: ArrayBuffer | null = null;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    // A fetch event's request has no Content-Length; a Blob learns the size natively, far faster
    // than reading a 33 MB stream chunk by chunk in JavaScript.
    const blob = await request.blob();
    if (blob.size > MAX_BODY_BYTES) return tooLarge();
    body = await blob.arrayBuffer();
  }
  const wire: WireRequest = {
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body,
    receivedAt: env.now(),
  };
  const tabs = await candidates(env);
  if (tabs.length === 0) return noHost(origin, 'No page of nanofaas is open to answer.');
  for (const tab of tabs) {
    const answer = await ask(tab, wire, env);
    if (answer instanceof Response) return answer;
  }
  return noHost(origin, 'No open nanofaas page took the request (a tab may still be starting or be frozen).');
}
