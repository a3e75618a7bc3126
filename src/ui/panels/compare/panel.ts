import type { PanelDef } from '../registry';

export default {
  id: 'compare',
  title: 'Compare',
  order: 5.5,
  load: () => import('./ComparePanel.svelte'),
} satisfies PanelDef;
