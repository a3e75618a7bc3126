import type { PanelDef } from '../registry';

export default {
  id: 'benchmarks',
  title: 'Benchmarks',
  order: 6,
  component: () => import('./BenchmarksPanel.svelte'),
} satisfies PanelDef;
