// Scratch space for computing lazy observation fields (an agent view, a command reachability, a
// cache of grid-derived values), shared by one environment's observations. Computing is synchronous.
import { AgentView } from './agent-view.js';
import { CommandReach } from './command-reach.js';
import { GridVersionCache } from './grid-version-cache.js';

/**
 * What one environment hands to its observations so that reading `text` or `validActions`
 * allocates no typed arrays and the fields reuse what depends on the grid alone while it is unchanged.
 * The view and reachability are scratch: each computation fills and reads them before returning.
 */
export class ObservationWorkspace {
  /** The 7x7 view, recomputed for the pose of each observation whose text is read. */
  readonly view = new AgentView();
  /** Text-command reachability, recomputed for each observation whose valid actions are read. */
  readonly reach = new CommandReach();
  /** Object cells, map and door states of the latest grid version asked for. */
  readonly gridCache = new GridVersionCache();
}
