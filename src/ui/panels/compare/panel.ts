import type { PanelDef } from '../registry';

export default {
  id: 'compare',
  title: 'Compare',
  order: 5.5,
  component: () => import('./ComparePanel.svelte'),
} satisfies PanelDef;
