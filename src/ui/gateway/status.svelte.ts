// Which tab answers the HTTP gateway's /api/ requests, for the header badge.
import type { GatewayRole } from '../../gateway/host';

export const gatewayStatus = $state<{ role: GatewayRole; tab: string }>({ role: 'off', tab: '' });
