// The service worker: precaches the whole build for offline use (workbox; vite-plugin-pwa injects
// the manifest) and answers /api/ requests through the HTTP gateway (gateway-sw.ts).
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { API_PREFIX } from '../gateway/wire';
import { forwardToHost, isGatewayRequest } from './gateway-sw';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// First, so the gateway answers before workbox's router sees the request (navigations to /api/ too).
self.addEventListener('fetch', (event) => {
  if (!isGatewayRequest(new URL(event.request.url), self.location.origin)) return;
  event.stopImmediatePropagation();
  event.respondWith(
    forwardToHost(event.request, {
      clients: self.clients,
      locks: self.navigator.locks,
      now: () => performance.timeOrigin + performance.now(),
    }),
  );
});

// 'prompt' updates: a new version waits until the page asks it to take over ("Reload").
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The first install controls the open page at once, so /api/ works without a reload.
clientsClaim();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [new RegExp('^' + API_PREFIX)],
  }),
);
