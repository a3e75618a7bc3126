// Monaco, trimmed to what a WAT editor uses: the core editor API plus a handful of contributions
// (not `monaco-editor`'s main entry, which pulls in every language and the TypeScript service).
// Imported lazily by EditorPane, so none of this is in the first paint.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
// Monaco's own helper worker (diffs, word ranges): it runs editor code, never user code, so it is
// spawned here rather than by the platform, which owns the workers that run and compile modules.
// eslint-disable-next-line no-restricted-imports
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerWat } from './wat-language';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

registerWat(monaco as unknown as typeof import('monaco-editor'));

export type Monaco = typeof monaco;
export default monaco;
