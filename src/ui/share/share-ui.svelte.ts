// The share/persistence UI's reactive state: mirrors the framework-free Session (banners), plus
// the connection and service-worker status for the offline indicator and the update prompt.
// main.ts creates one and hands it to the component tree as a Svelte context.
import { getContext } from 'svelte';
import type { Session, SessionView } from '../../workspace/session';

const KEY = Symbol('nanofaas-share-ui');

export class ShareUi {
  view = $state<SessionView>({ persistent: false, conflict: null, shared: [] });
  /** navigator.onLine, kept current by online/offline events. */
  online = $state(true);
  /** The service worker has cached the app: it loads and works without the network. */
  offlineReady = $state(false);
  /** A newer version is installed and waits; `applyUpdate()` switches to it and reloads. */
  updateReady = $state(false);
  private updater: (() => Promise<void>) | null = null;

  constructor(readonly session: Session) {
    session.subscribe((view) => (this.view = view));
  }

  /** Follows the browser's online/offline state. */
  watchConnection(win: Pick<Window, 'addEventListener'> & { navigator: Pick<Navigator, 'onLine'> }): void {
    this.online = win.navigator.onLine;
    win.addEventListener('online', () => (this.online = true));
    win.addEventListener('offline', () => (this.online = false));
  }

  offerUpdate(update: () => Promise<void>): void {
    this.updater = update;
    this.updateReady = true;
  }

  async applyUpdate(): Promise<void> {
    // The page reloads once the new service worker controls it; save first.
    await this.session.flush();
    await this.updater?.();
  }

  /** The Map to pass as `context` to `mount(App, …)`. */
  context(): Map<symbol, ShareUi> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once by mount(), not state
    return new Map([[KEY, this]]);
  }
}

/** The ShareUi of the running app; undefined when the tree was mounted without one. */
export function getShareUi(): ShareUi | undefined {
  return getContext<ShareUi | undefined>(KEY);
}
