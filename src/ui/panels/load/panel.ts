import type { PanelDef } from '../registry';

export default {
  id: 'load',
  title: 'Load test',
  order: 5,
  component: () => import('./LoadPanel.svelte'),
} satisfies PanelDef;
