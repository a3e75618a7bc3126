// The editor options of the bench's pages: EditorPane's, so the pages differ from the app only in
// what the app does around the editor.
export const EDITOR_OPTIONS = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontFamily: 'monospace',
  fontSize: 13,
  lineHeight: 20,
  tabSize: 2,
  scrollBeyondLastLine: false,
  wordBasedSuggestions: 'off',
  fixedOverflowWidgets: true,
  renderLineHighlight: 'line',
  padding: { top: 6 },
  ariaLabel: 'Code editor',
  theme: 'wat-light',
};

/** The test hook EditorPane sets, so the bench reads every page the same way. */
export function exposeEditor(host, ed) {
  Object.defineProperty(host, 'nanofaasEditor', {
    configurable: true,
    value: { getValue: () => ed.getValue(), getPosition: () => ed.getPosition() },
  });
}
