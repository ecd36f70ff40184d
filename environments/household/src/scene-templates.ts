// The four room types a household level is drawn from (ALFWorld's kitchens, living rooms,
// bedrooms and bathrooms): how many receptacles of each kind, and where each object kind may lie.

/** The room types. */
export type SceneName = 'kitchen' | 'livingroom' | 'bedroom' | 'bathroom';

/** How to draw one room type. */
export interface SceneTemplate {
  readonly name: SceneName;
  /** Receptacle kind → inclusive range of how many the room has (0 allowed). */
  readonly receptacles: Readonly<Record<string, readonly [minimum: number, maximum: number]>>;
  /**
   * Object kind → the receptacle kinds it may lie in or on at the start (for a floor lamp: the
   * receptacles it may stand next to).
   */
  readonly objects: Readonly<Record<string, readonly string[]>>;
  /** Inclusive range of how many objects besides the task's own are scattered around. */
  readonly distractors: readonly [minimum: number, maximum: number];
}

const tables = ['countertop', 'diningtable'];
const kitchenFood = [...tables, 'fridge', 'microwave', 'garbagecan', 'sinkbasin'];
const kitchenware = [...tables, 'cabinet', 'fridge', 'microwave', 'sinkbasin', 'shelf'];
const cutlery = [...tables, 'drawer', 'sinkbasin'];
const cookware = ['countertop', 'stoveburner', 'cabinet', 'sinkbasin', 'fridge'];
const lounge = ['sofa', 'armchair', 'coffeetable', 'sidetable', 'tvstand', 'dresser', 'drawer'];
const display = ['coffeetable', 'sidetable', 'shelf', 'dresser', 'diningtable', 'tvstand'];
const bedsideSmall = ['desk', 'drawer', 'shelf', 'sidetable', 'dresser'];
const bathroomSurfaces = ['toilet', 'countertop', 'cabinet', 'shelf'];

const kitchen: SceneTemplate = {
  name: 'kitchen',
  receptacles: {
    cabinet: [3, 9],
    coffeemachine: [1, 1],
    countertop: [1, 3],
    diningtable: [0, 1],
    drawer: [1, 5],
    fridge: [1, 1],
    garbagecan: [1, 1],
    microwave: [1, 1],
    shelf: [0, 3],
    sinkbasin: [1, 1],
    stoveburner: [2, 4],
    toaster: [1, 1],
  },
  objects: {
    apple: kitchenFood,
    bread: [...tables, 'fridge', 'microwave'],
    egg: kitchenFood,
    lettuce: [...tables, 'fridge', 'sinkbasin'],
    potato: kitchenFood,
    tomato: kitchenFood,
    mug: [...kitchenware, 'coffeemachine'],
    cup: kitchenware,
    bowl: kitchenware,
    plate: kitchenware,
    pan: cookware,
    pot: cookware,
    kettle: ['countertop', 'stoveburner', 'cabinet', 'sinkbasin'],
    butterknife: cutlery,
    knife: cutlery,
    fork: cutlery,
    spoon: cutlery,
    spatula: cutlery,
    ladle: cutlery,
    dishsponge: ['countertop', 'sinkbasin', 'cabinet', 'drawer'],
    saltshaker: [...tables, 'cabinet', 'drawer', 'shelf'],
    peppershaker: [...tables, 'cabinet', 'drawer', 'shelf'],
    soapbottle: ['countertop', 'cabinet', 'shelf', 'garbagecan'],
    winebottle: [...tables, 'fridge', 'cabinet', 'shelf'],
    glassbottle: [...tables, 'fridge', 'cabinet', 'garbagecan'],
    papertowelroll: [...tables, 'cabinet'],
    creditcard: [...tables, 'drawer', 'shelf'],
    cellphone: [...tables, 'drawer'],
    houseplant: tables,
  },
  distractors: [10, 16],
};

const livingroom: SceneTemplate = {
  name: 'livingroom',
  receptacles: {
    armchair: [1, 2],
    cabinet: [0, 4],
    coffeetable: [1, 1],
    diningtable: [0, 1],
    drawer: [1, 5],
    dresser: [0, 1],
    garbagecan: [1, 1],
    ottoman: [0, 1],
    shelf: [1, 6],
    sidetable: [1, 2],
    sofa: [1, 1],
    tvstand: [1, 1],
  },
  objects: {
    remotecontrol: lounge,
    keychain: [...lounge, 'shelf'],
    creditcard: [...lounge, 'shelf', 'diningtable'],
    newspaper: ['sofa', 'armchair', 'coffeetable', 'sidetable', 'diningtable', 'ottoman'],
    pillow: ['sofa', 'armchair', 'ottoman'],
    laptop: ['sofa', 'armchair', 'coffeetable', 'diningtable', 'ottoman'],
    statue: display,
    vase: [...display, 'cabinet'],
    box: ['coffeetable', 'sidetable', 'diningtable', 'sofa', 'armchair', 'dresser'],
    watch: ['coffeetable', 'sidetable', 'drawer', 'dresser', 'shelf'],
    cellphone: lounge,
    book: ['sofa', 'armchair', 'coffeetable', 'sidetable', 'shelf', 'dresser', 'diningtable'],
    tissuebox: ['coffeetable', 'sidetable', 'shelf', 'dresser', 'cabinet'],
    plate: ['coffeetable', 'diningtable', 'shelf', 'cabinet'],
    houseplant: ['coffeetable', 'sidetable', 'diningtable', 'shelf'],
    desklamp: ['sidetable', 'dresser'],
    floorlamp: ['sofa', 'armchair', 'sidetable'],
  },
  distractors: [8, 14],
};

const bedroom: SceneTemplate = {
  name: 'bedroom',
  receptacles: {
    armchair: [0, 1],
    bed: [1, 1],
    desk: [1, 1],
    drawer: [2, 6],
    dresser: [0, 1],
    garbagecan: [1, 1],
    laundryhamper: [0, 1],
    safe: [0, 1],
    shelf: [1, 5],
    sidetable: [0, 2],
  },
  objects: {
    alarmclock: bedsideSmall,
    book: ['bed', ...bedsideSmall],
    cd: [...bedsideSmall, 'safe', 'garbagecan'],
    cellphone: ['bed', ...bedsideSmall],
    creditcard: [...bedsideSmall, 'safe'],
    keychain: [...bedsideSmall, 'safe'],
    laptop: ['bed', 'desk', 'dresser'],
    pen: [...bedsideSmall, 'garbagecan'],
    pencil: [...bedsideSmall, 'garbagecan'],
    pillow: ['bed', 'armchair'],
    mug: ['desk', 'shelf', 'sidetable', 'dresser'],
    bowl: ['desk', 'shelf', 'sidetable', 'dresser'],
    baseballbat: ['bed', 'desk'],
    basketball: ['bed', 'desk'],
    tennisracket: ['bed', 'desk'],
    teddybear: ['bed', 'armchair', 'dresser'],
    cloth: ['drawer', 'dresser', 'laundryhamper', 'bed'],
    watch: [...bedsideSmall, 'safe'],
    tissuebox: ['desk', 'shelf', 'sidetable', 'dresser'],
    desklamp: ['desk', 'sidetable', 'dresser'],
    floorlamp: ['bed', 'desk', 'armchair'],
  },
  distractors: [8, 14],
};

const bathroom: SceneTemplate = {
  name: 'bathroom',
  receptacles: {
    bathtubbasin: [0, 1],
    cabinet: [2, 4],
    countertop: [1, 1],
    drawer: [0, 4],
    garbagecan: [1, 1],
    handtowelholder: [0, 1],
    shelf: [0, 3],
    sinkbasin: [1, 2],
    toilet: [1, 1],
    toiletpaperhanger: [1, 1],
    towelholder: [0, 1],
  },
  objects: {
    soapbar: ['toilet', 'sinkbasin', 'bathtubbasin', 'countertop', 'cabinet', 'garbagecan'],
    soapbottle: [...bathroomSurfaces, 'garbagecan'],
    spraybottle: [...bathroomSurfaces, 'garbagecan'],
    toiletpaper: [...bathroomSurfaces, 'toiletpaperhanger', 'garbagecan'],
    candle: [...bathroomSurfaces, 'drawer'],
    cloth: ['countertop', 'cabinet', 'drawer', 'bathtubbasin', 'sinkbasin'],
    towel: ['towelholder'],
    handtowel: ['handtowelholder', 'countertop'],
    tissuebox: ['toilet', 'countertop', 'shelf'],
    dishsponge: ['countertop', 'cabinet', 'bathtubbasin', 'sinkbasin'],
  },
  distractors: [6, 12],
};

/** Every room type by name. */
export const sceneTemplates: Readonly<Record<SceneName, SceneTemplate>> = { kitchen, livingroom, bedroom, bathroom };
