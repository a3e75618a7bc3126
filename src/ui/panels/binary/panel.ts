import type { PanelDef } from '../registry';

export default {
  id: 'binary',
  title: 'Binary',
  order: 3,
  load: () => import('./BinaryPanel.svelte'),
} satisfies PanelDef;
