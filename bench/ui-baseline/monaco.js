// The baseline page's Monaco: the editor API with the contributions the app's editor had when
// issue 15 measured it (src/ui/editor/monaco.ts at the time), all loaded before the editor is
// created, as a bare Monaco page does. Frozen here so that what the app defers or trims is
// measured against the page the issue named, not against the app's own module.
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
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerWat } from '../../src/ui/editor/wat-language';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

registerWat(monaco);

export default monaco;
