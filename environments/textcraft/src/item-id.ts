// Item names as agents write them ("oak planks") and as TextCraft reports crafted items
// ("minecraft:oak_planks"). Names are lower case words separated by single spaces.

/** The namespaced id TextCraft prints after crafting: `oak planks` becomes `minecraft:oak_planks`. */
export function itemIdOf(name: string): string {
  return `minecraft:${name.replace(/ /g, '_')}`;
}

/**
 * The item name an agent meant: lower case, single spaces; a `minecraft:` prefix and underscores
 * (`minecraft:oak_planks`) are accepted and turned into the plain name (`oak planks`).
 */
export function normalizeItemName(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^minecraft:/, '')
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
