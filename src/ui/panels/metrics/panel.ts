import type { PanelDef } from '../registry';

export default {
  id: 'metrics',
  title: 'Metrics',
  order: 4,
  load: () => import('./MetricsPanel.svelte'),
} satisfies PanelDef;
