import type { PanelDef } from '../registry';

export default {
  id: 'console',
  title: 'Console',
  order: 2,
  component: () => import('./ConsolePanel.svelte'),
} satisfies PanelDef;
