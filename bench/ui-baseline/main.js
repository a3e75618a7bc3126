// The UI baseline of bench/scenarios/70-ui.mjs: a bare Svelte page that lazily loads the app's own
// Monaco module (src/ui/editor/monaco.ts: the same trimmed editor, WAT language and worker) after
// first paint, like EditorPane does, and nothing else. Built by bench/ui-baseline/vite.config.mjs.
import { mount } from 'svelte';
import Baseline from './Baseline.svelte';

mount(Baseline, { target: document.getElementById('app') });
