/// <reference types="vite-plugin-pwa/vanillajs" />
// Registers the service worker (production builds only) from code, so no inline script is needed.
import { registerSW } from 'virtual:pwa-register';
import type { ShareUi } from './share-ui.svelte';

export function registerServiceWorker(ui: ShareUi): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  if (navigator.serviceWorker.controller) ui.offlineReady = true;
  const update = registerSW({
    // 'prompt': a new version waits until the user chooses "Reload".
    // Reload when the new version takes over. workbox-window only does so itself when the page
    // was controlled at load; the first visit's page is claimed later (for the HTTP gateway).
    onNeedRefresh: () =>
      ui.offerUpdate(() => {
        navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
        return update(true);
      }),
    onOfflineReady: () => (ui.offlineReady = true),
    onRegisterError: (e: unknown) => console.warn('nanofaas: the service worker could not be registered', e),
  });
}
