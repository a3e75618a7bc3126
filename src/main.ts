// Wires the platform, the workspace and the UI; exposes window.faas.
import { mount } from 'svelte';
import { Compiler } from './platform/compiler';
import { Platform } from './platform/platform';
import { spawnCompiler, spawnNanoprocess } from './platform/spawn';
import { createFaasApi, type FaasApi } from './faas';
import { AppState } from './ui/state.svelte';
import App from './ui/App.svelte';
import './ui/theme.css';

declare global {
  interface Window {
    faas: FaasApi;
  }
}

const compiler = new Compiler(spawnCompiler);
const platform = new Platform({ spawnWorker: spawnNanoprocess, compiler });
window.faas = createFaasApi(platform);

const app = new AppState(platform, compiler);
mount(App, { target: document.getElementById('app')!, props: { app } });
