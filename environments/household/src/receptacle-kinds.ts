// The receptacle kinds of the household (ALFWorld's names, one word each): which open and close,
// and which appliance role (cleaning, heating, cooling) a kind plays. Static data, no behaviour.

/** What an appliance receptacle does to an object held at it. */
export type ApplianceRole = 'clean' | 'heat' | 'cool';

/** The properties of one receptacle kind. */
export interface ReceptacleKind {
  /** ALFWorld's one-word name (`sinkbasin`, `coffeemachine`). */
  readonly name: string;
  /** Whether it must be opened before objects in it can be seen, taken or put in. */
  readonly openable: boolean;
  /** The chore it performs with `clean/heat/cool Y with X`, when it is an appliance. */
  readonly role?: ApplianceRole;
}

const kinds: readonly ReceptacleKind[] = [
  { name: 'armchair', openable: false },
  { name: 'bathtubbasin', openable: false, role: 'clean' },
  { name: 'bed', openable: false },
  { name: 'cabinet', openable: true },
  { name: 'coffeemachine', openable: false },
  { name: 'coffeetable', openable: false },
  { name: 'countertop', openable: false },
  { name: 'desk', openable: false },
  { name: 'diningtable', openable: false },
  { name: 'drawer', openable: true },
  { name: 'dresser', openable: false },
  { name: 'fridge', openable: true, role: 'cool' },
  { name: 'garbagecan', openable: false },
  { name: 'handtowelholder', openable: false },
  { name: 'laundryhamper', openable: false },
  { name: 'microwave', openable: true, role: 'heat' },
  { name: 'ottoman', openable: false },
  { name: 'safe', openable: true },
  { name: 'shelf', openable: false },
  { name: 'sidetable', openable: false },
  { name: 'sinkbasin', openable: false, role: 'clean' },
  { name: 'sofa', openable: false },
  { name: 'stoveburner', openable: false },
  { name: 'toaster', openable: false },
  { name: 'toilet', openable: false },
  { name: 'toiletpaperhanger', openable: false },
  { name: 'towelholder', openable: false },
  { name: 'tvstand', openable: false },
];

/** Every receptacle kind by name. */
export const receptacleKinds: ReadonlyMap<string, ReceptacleKind> = new Map(kinds.map((kind) => [kind.name, kind]));
