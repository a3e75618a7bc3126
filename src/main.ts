// Wires the platform, the workspace and the UI; exposes window.faas.
import { mount } from 'svelte';
import { Compiler } from './platform/compiler';
import { PlatformClient } from './platform/client';
import { spawnCompiler, spawnPlatform } from './platform/spawn';
import { spawnAfter } from './platform/deferred-worker';
import { createFaasApi, type FaasApi } from './faas';
import { createGateway } from './gateway/gateway';
import { hostGateway } from './gateway/host';
import { gatewayStatus } from './ui/gateway/status.svelte';
import { AppState } from './ui/state.svelte';
import App from './ui/App.svelte';
import { openInitialSample } from './ui/samples';
import { lessonFromSearch } from './lessons';
import { lessonSession } from './ui/lessons/lesson.svelte';
import { downloadText } from './ui/download';
import { registerServiceWorker } from './ui/share/pwa';
import { ShareUi } from './ui/share/share-ui.svelte';
import { Session } from './workspace/session';
import './ui/theme.css';

declare global {
  interface Window {
    faas: FaasApi;
  }
}

// The workers (the platform with its prewarmed nanoprocess, the WAT compiler with wabt) and the
// service worker start once the editor shows the code: on a first visit their threads would
// compete with Monaco's compile for the CPU. Calls made meanwhile wait in their queues. A page
// whose editor never reports (it should not happen) starts them after WORKERS_AT_THE_LATEST_MS.
const WORKERS_AT_THE_LATEST_MS = 5000;
let startWorkers!: () => void;
const editorShown = new Promise<void>((resolve) => (startWorkers = resolve));
setTimeout(startWorkers, WORKERS_AT_THE_LATEST_MS);

const compiler = new Compiler(spawnAfter(spawnCompiler, editorShown));
// The platform runs in its own worker; the page (UI and window.faas) is its client.
const platform = new PlatformClient({ spawnHost: spawnAfter(spawnPlatform, editorShown), compiler });
window.faas = createFaasApi(platform);
// Diagnostics, and the e2e suite's check of crash recovery: make the platform worker fail, or restart it.
Object.defineProperty(window, 'nanofaasPlatform', {
  value: Object.freeze({ crash: () => platform.crashForTest(), restart: () => platform.restart() }),
});

const app = new AppState(platform, compiler);
app.onEditorShown = startWorkers;
// ?embed: for an iframe in slides, just the function, its Run control and one chart; it shows what
// its link carries and saves nothing.
const embed = new URLSearchParams(location.search).has('embed');
// Persistence, share links, multi-tab and import/export; the browser's globals are passed in.
const session = new Session(app, platform, {
  location: window.location,
  history: window.history,
  window,
  document,
  download: downloadText,
  ephemeral: embed,
});
const shareUi = new ShareUi(session);
shareUi.watchConnection(window);
mount(App, { target: document.getElementById('app')!, props: { app, embed }, context: shareUi.context() });
document.getElementById('boot')?.remove();
// The saved workspace is restored first, so ?sample= adds to it and the default sample only opens
// in an empty workspace; a share link opens after both. A ?lesson= opens last, over a link's
// functions (a lecturer's edits), and brings its own instead of the default sample.
const lessonId = new URLSearchParams(location.search).get('lesson');
const started = session.start({
  openInitial: () =>
    lessonFromSearch(location.search) ? Promise.resolve(null) : openInitialSample(app, window.location),
});
void started.then(() => lessonId !== null && lessonSession.open(app, lessonId));
// The HTTP gateway (/api/ through the service worker) is answered once the workspace is restored.
void started.finally(() => {
  gatewayStatus.tab = crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, '0');
  hostGateway(createGateway(window.faas), navigator, {
    tab: gatewayStatus.tab,
    onRole: (role) => (gatewayStatus.role = role),
  });
});
void editorShown.then(() => registerServiceWorker(shareUi));

// The benchmark harness (`npm run bench` opens /?bench): a plain-worker baseline measured on the same page.
if (new URLSearchParams(location.search).has('bench')) void import('./bench/harness');
