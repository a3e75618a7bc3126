import type { PanelDef } from '../registry';

export default {
  id: 'run',
  title: 'Run',
  order: 1,
  load: () => import('./RunPanel.svelte'),
} satisfies PanelDef;
