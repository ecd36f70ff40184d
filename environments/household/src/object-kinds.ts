// The object kinds of the household (ALFWorld's one-word names) and what can be done with each:
// picked up, cleaned, heated, cooled, switched on (lamps). Static data, no behaviour.

/** The properties of one object kind. */
export interface ObjectKind {
  /** ALFWorld's one-word name (`mug`, `butterknife`, `desklamp`). */
  readonly name: string;
  /** Whether `take` can pick it up (lamps and house plants cannot be). */
  readonly pickupable: boolean;
  /** Whether `clean Y with <sinkbasin | bathtubbasin>` works on it. */
  readonly cleanable: boolean;
  /** Whether `heat Y with <microwave>` works on it. */
  readonly heatable: boolean;
  /** Whether `cool Y with <fridge>` works on it. */
  readonly coolable: boolean;
  /** A light that `use` switches on and off, for the look-at-in-light tasks. */
  readonly lamp: boolean;
  /** A floor lamp stands next to a receptacle rather than on it. */
  readonly standsOnFloor?: boolean;
}

type Trait = 'clean' | 'heat' | 'cool' | 'fixed' | 'lamp' | 'floor';

function kind(name: string, ...traits: Trait[]): ObjectKind {
  const has = (trait: Trait) => traits.includes(trait);
  return {
    name,
    pickupable: !has('fixed') && !has('lamp'),
    cleanable: has('clean'),
    heatable: has('heat'),
    coolable: has('cool'),
    lamp: has('lamp'),
    ...(has('floor') ? { standsOnFloor: true } : {}),
  };
}

const kinds: readonly ObjectKind[] = [
  kind('alarmclock'),
  kind('apple', 'clean', 'heat', 'cool'),
  kind('baseballbat'),
  kind('basketball'),
  kind('book'),
  kind('bowl', 'clean', 'heat', 'cool'),
  kind('box'),
  kind('bread', 'heat', 'cool'),
  kind('butterknife', 'clean'),
  kind('candle'),
  kind('cd'),
  kind('cellphone'),
  kind('cloth', 'clean'),
  kind('creditcard'),
  kind('cup', 'clean', 'heat', 'cool'),
  kind('desklamp', 'lamp'),
  kind('dishsponge', 'clean'),
  kind('egg', 'clean', 'heat', 'cool'),
  kind('floorlamp', 'lamp', 'floor'),
  kind('fork', 'clean'),
  kind('glassbottle'),
  kind('handtowel'),
  kind('houseplant', 'fixed'),
  kind('kettle', 'clean'),
  kind('keychain'),
  kind('knife', 'clean'),
  kind('ladle', 'clean'),
  kind('laptop'),
  kind('lettuce', 'clean', 'cool'),
  kind('mug', 'clean', 'heat', 'cool'),
  kind('newspaper'),
  kind('pan', 'clean', 'cool'),
  kind('papertowelroll'),
  kind('pen'),
  kind('pencil'),
  kind('peppershaker'),
  kind('pillow'),
  kind('plate', 'clean', 'heat', 'cool'),
  kind('pot', 'clean', 'cool'),
  kind('potato', 'clean', 'heat', 'cool'),
  kind('remotecontrol'),
  kind('saltshaker'),
  kind('soapbar', 'clean'),
  kind('soapbottle'),
  kind('spatula', 'clean'),
  kind('spoon', 'clean'),
  kind('spraybottle'),
  kind('statue'),
  kind('teddybear'),
  kind('tennisracket'),
  kind('tissuebox'),
  kind('toiletpaper'),
  kind('tomato', 'clean', 'heat', 'cool'),
  kind('towel'),
  kind('vase'),
  kind('watch'),
  kind('winebottle', 'cool'),
];

/** Every object kind by name. */
export const objectKinds: ReadonlyMap<string, ObjectKind> = new Map(kinds.map((entry) => [entry.name, entry]));
