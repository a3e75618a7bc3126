// The page's half of the HTTP gateway: takes the host lock (one tab at a time answers /api/; the
// next waiting tab takes over when it closes) and answers the service worker's forwarded requests.
import type { Gateway } from './gateway';
import {
  GATEWAY_MESSAGE,
  HOST_LOCK,
  fromWireRequest,
  toWireResponse,
  type GatewayReply,
  type GatewayRequestMessage,
} from './wire';

/** 'host': this tab answers /api/; 'standby': another tab does; 'off': no service worker or locks here. */
export type GatewayRole = 'host' | 'standby' | 'off';

export interface GatewayHostEnvironment {
  serviceWorker: Pick<ServiceWorkerContainer, 'addEventListener' | 'startMessages'> | undefined;
  locks: Pick<LockManager, 'request'> | undefined;
}

export interface GatewayHostOptions {
  /** Shown in the UI and sent as X-Nanofaas-Host, so a caller can tell which tab answered. */
  tab: string;
  onRole(role: GatewayRole): void;
}

/** Starts hosting (or waiting to host); returns a function that stops and gives the lock up. */
export function hostGateway(
  gateway: Gateway,
  env: GatewayHostEnvironment,
  options: GatewayHostOptions,
): () => void {
  const { serviceWorker, locks } = env;
  if (!serviceWorker || !locks) {
    options.onRole('off');
    return () => {};
  }
  let hosting = false;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  options.onRole('standby');
  void locks
    .request(HOST_LOCK, () => {
      hosting = true;
      options.onRole('host');
      return held;
    })
    .catch(() => options.onRole('off'));

  const answer = async (port: MessagePort, message: GatewayRequestMessage) => {
    const reply = (r: GatewayReply, transfer: Transferable[] = []) => port.postMessage(r, transfer);
    if (!hosting) return reply({ type: 'not-host' });
    reply({ type: 'accepted', host: options.tab });
    let response = await gateway(fromWireRequest(message.request), message.request.receivedAt);
    response = new Response(response.body, response);
    response.headers.set('X-Nanofaas-Host', options.tab);
    const wire = await toWireResponse(response);
    reply({ type: 'response', response: wire }, [wire.body]);
  };
  const onMessage = (ev: MessageEvent) => {
    const data = ev.data as GatewayRequestMessage | undefined;
    if (data?.type !== GATEWAY_MESSAGE || !ev.ports[0]) return;
    void answer(ev.ports[0], data);
  };
  serviceWorker.addEventListener('message', onMessage as EventListener);
  serviceWorker.startMessages();
  return () => {
    hosting = false;
    release();
  };
}
