import type { PanelDef } from '../registry';

export default {
  id: 'binary',
  title: 'Binary',
  order: 3,
  component: () => import('./BinaryPanel.svelte'),
} satisfies PanelDef;
