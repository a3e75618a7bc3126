// Panels are additions, not edits: each folder src/ui/panels/<name>/ has a panel.ts whose
// default export is a PanelDef; the shell finds them all and renders a tab for each.
import type { Component } from 'svelte';
import type { AppState } from '../state.svelte';

export interface PanelProps {
  app: AppState;
}

export interface PanelDef {
  /** Stable id, also used in the URL and tests: "run", "console", … */
  id: string;
  /** The tab's label (its accessible name). */
  title: string;
  /** Tabs are sorted by this. */
  order: number;
  /** Loads the component on first show, so heavy panels (charts) stay out of the first paint. */
  component: () => Promise<{ default: Component<PanelProps> }>;
  /** Optional keyboard shortcut hint shown in the tab's title attribute. */
  hint?: string;
}

const modules = import.meta.glob<{ default: PanelDef }>('./*/panel.ts', { eager: true });

export const panels: PanelDef[] = Object.values(modules)
  .map((m) => m.default)
  .sort((a, b) => a.order - b.order);
