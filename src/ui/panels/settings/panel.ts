import type { PanelDef } from '../registry';

export default {
  id: 'settings',
  title: 'Settings',
  order: 9,
  load: () => import('./SettingsPanel.svelte'),
} satisfies PanelDef;
