// "Monaco alone", the floor of the ui-visit scenario (bench/scenarios/70-ui.mjs): the app's own
// Monaco module (src/ui/editor/monaco.ts) imported by the entry itself, so it is fetched and
// compiled from the first byte of the page, in the app's four chunks, and the editor is created as
// soon as Monaco has evaluated: no Svelte, no app, no waiting for a paint. A page that shows this
// editor cannot have it ready sooner, so this page's "editor ready" over the baseline page's is the
// lowest ratio the app could reach without replacing Monaco.
import monaco from '../../src/ui/editor/monaco';
import sample from '../../samples/sum.wat?raw';
import { EDITOR_OPTIONS, exposeEditor } from '../ui-baseline/editor-options.js';

const host = document.getElementById('editor');
const ed = monaco.editor.create(host, { model: monaco.editor.createModel(sample, 'wat'), ...EDITOR_OPTIONS });
exposeEditor(host, ed);
