import type { PanelDef } from '../registry';

export default {
  id: 'console',
  title: 'Console',
  order: 2,
  load: () => import('./ConsolePanel.svelte'),
} satisfies PanelDef;
