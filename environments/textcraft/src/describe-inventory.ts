// TextCraft's inventory line: "Inventory: [oak planks] (4) [stick] (2)", or "Inventory: You are
// not carrying anything." (TextCraft's trailing space after the last item is dropped).
import type { Inventory } from './plan-crafting.js';

/** The reply to `inventory`: every held item with its count, in the order they were first obtained. */
export function describeInventory(inventory: Inventory): string {
  if (inventory.size === 0) return 'Inventory: You are not carrying anything.';
  let text = 'Inventory:';
  for (const [item, count] of inventory) text += ` [${item}] (${count})`;
  return text;
}
