import type { PanelDef } from '../registry';

export default {
  id: 'metrics',
  title: 'Metrics',
  order: 4,
  component: () => import('./MetricsPanel.svelte'),
} satisfies PanelDef;
