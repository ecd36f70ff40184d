// A household command as data (verb plus the names it mentions), and its canonical text, the
// form `validActions` lists and trajectories record (`put mug 1 in/on coffeemachine 1`).

/** A command naming one thing: a receptacle (`go to`, `open`, `close`) or either kind of thing (`examine`, `use`). */
export interface SingleTargetCommand {
  readonly verb: 'go to' | 'open' | 'close' | 'examine' | 'use';
  readonly target: string;
}

/** A command naming an object and a receptacle: `take Y from X`, `put Y in/on X`, `clean/heat/cool Y with X`. */
export interface ObjectReceptacleCommand {
  readonly verb: 'take' | 'put' | 'clean' | 'heat' | 'cool';
  readonly object: string;
  readonly receptacle: string;
}

/** A command naming nothing. */
export interface BareCommand {
  readonly verb: 'inventory' | 'look';
}

/** Any well-formed household command. Names are `<kind> <number>`, lower case. */
export type HouseholdCommand = SingleTargetCommand | ObjectReceptacleCommand | BareCommand;

const joiners: Readonly<Record<ObjectReceptacleCommand['verb'], string>> = { take: 'from', put: 'in/on', clean: 'with', heat: 'with', cool: 'with' };

/** The canonical text of a command, as ALFWorld writes its admissible commands. */
export function formatHouseholdCommand(command: HouseholdCommand): string {
  if ('target' in command) return `${command.verb} ${command.target}`;
  if ('object' in command) return `${command.verb} ${command.object} ${joiners[command.verb]} ${command.receptacle}`;
  return command.verb;
}
