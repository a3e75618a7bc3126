// Type-ahead for menus and lists (WAI-ARIA: typing moves focus to the next item whose name starts
// with the typed characters). Keys typed within TYPEAHEAD_MS of each other form one search.

export const TYPEAHEAD_MS = 700;

/**
 * The index to move to, or undefined when nothing matches. `typed` is the search so far (already
 * lower-case). One letter, or the same letter again and again, cycles through the names starting
 * with it; more letters narrow the search from the current item on.
 */
export function typeaheadMatch(names: readonly string[], active: number, typed: string): number | undefined {
  if (!typed || names.length === 0) return undefined;
  const repeated = [...typed].every((c) => c === typed[0]);
  const prefix = repeated ? typed[0] : typed;
  const from = repeated ? active + 1 : active;
  for (let k = 0; k < names.length; k++) {
    const i = (from + k) % names.length;
    if (names[i].toLowerCase().startsWith(prefix)) return i;
  }
  return undefined;
}
