import type { PanelDef } from '../registry';

export default {
  id: 'settings',
  title: 'Settings',
  order: 9,
  component: () => import('./SettingsPanel.svelte'),
} satisfies PanelDef;
