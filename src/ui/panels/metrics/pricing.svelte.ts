// The price model the Metrics, Load test and Compare panels bill with. Editable; starts at the
// platform's defaults (1 ms granularity).
import { DEFAULT_PRICE_MODEL, type PriceModel } from '../../../platform/metrics/billing';

export const pricing: { model: PriceModel } = $state({ model: { ...DEFAULT_PRICE_MODEL } });

/** The model as a plain object (for the load generator and other non-reactive code). */
export function currentPriceModel(): PriceModel {
  return $state.snapshot(pricing.model);
}

export function resetPriceModel(): void {
  pricing.model = { ...DEFAULT_PRICE_MODEL };
}
