import type { PanelDef } from '../registry';

export default {
  id: 'run',
  title: 'Run',
  order: 1,
  component: () => import('./RunPanel.svelte'),
} satisfies PanelDef;
