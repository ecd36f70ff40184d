// The Minecraft-flavoured words generated worlds are named from: raw (gettable) items, groups of
// interchangeable raw items (tags), and the adjectives and nouns that name crafted items.

/** A tag of base items: `members` are gettable and any one of them satisfies an ingredient named `tag`. */
export interface BaseTagWords {
  readonly tag: string;
  readonly members: readonly string[];
}

/** The words of generated worlds. Crafted items are `<adjective> <noun>`; a noun names at most one tag. */
export interface ItemVocabulary {
  /** Standalone base items. */
  readonly baseItems: readonly string[];
  /** Groups of base items that recipes may ask for by group name. */
  readonly baseTags: readonly BaseTagWords[];
  readonly adjectives: readonly string[];
  readonly nouns: readonly string[];
}

/** The vocabulary `generateCraftingTask` draws from. No word contains a digit, a comma or "using". */
export const itemVocabulary: ItemVocabulary = {
  baseItems: [
    'iron ingot', 'gold ingot', 'copper ingot', 'coal', 'flint', 'feather', 'string', 'leather',
    'sugar cane', 'wheat', 'sand', 'clay ball', 'redstone', 'quartz', 'diamond', 'emerald',
    'obsidian', 'slime ball', 'bone', 'egg', 'apple', 'pumpkin', 'cocoa beans', 'amethyst shard',
    'honeycomb', 'glowstone dust', 'blaze rod', 'ink sac', 'kelp', 'bamboo', 'cactus', 'moss block',
    'gunpowder', 'prismarine shard', 'nether brick', 'brick', 'glass', 'paper', 'stick', 'stone',
  ],
  baseTags: [
    { tag: 'logs', members: ['oak logs', 'birch logs', 'spruce logs', 'jungle logs', 'acacia logs'] },
    { tag: 'wool', members: ['white wool', 'red wool', 'blue wool', 'black wool'] },
    { tag: 'coals', members: ['coal lump', 'charcoal'] },
    { tag: 'stone crafting materials', members: ['cobblestone', 'blackstone', 'cobbled deepslate'] },
    { tag: 'sand blocks', members: ['yellow sand', 'red sand'] },
    { tag: 'flowers', members: ['dandelion', 'poppy', 'blue orchid', 'allium'] },
  ],
  adjectives: [
    'polished', 'mossy', 'gilded', 'cracked', 'smooth', 'chiseled', 'waxed', 'weathered', 'reinforced',
    'enchanted', 'carved', 'woven', 'tempered', 'glazed', 'runic', 'ancient', 'sturdy', 'bright',
    'hollow', 'twisted', 'frosted', 'amber', 'crimson', 'warped', 'oak', 'birch', 'spruce', 'jungle',
    'acacia', 'cherry', 'mangrove', 'dark oak', 'copper', 'golden', 'iron', 'stone',
  ],
  nouns: [
    'planks', 'slab', 'stairs', 'lantern', 'chest', 'barrel', 'lectern', 'compass', 'banner', 'anvil',
    'cauldron', 'beacon', 'hopper', 'rail', 'torch', 'ladder', 'fence', 'gate', 'door', 'sign', 'boat',
    'bowl', 'bucket', 'shears', 'pickaxe', 'shovel', 'hoe', 'axe', 'sword', 'shield', 'helmet', 'boots',
    'bed', 'loom', 'candle', 'brush', 'spyglass', 'clock', 'map', 'book', 'frame', 'pot', 'bell',
    'chain', 'lamp', 'wall', 'tile', 'pane', 'trapdoor', 'button', 'pressure plate', 'crate',
  ],
};
