// The action space of a remote environment: free text, checked against the actions the server
// listed for the current state when it lists any (matching ignores case, spacing, a final period).
import type { ActionSpace, ActionValidation } from '@worldloop/spec';

/** What the action space reads from its environment's latest answer. */
export interface AgentGymActionState {
  /** The server's description of its actions, once known. */
  description(): string | undefined;
  /** Actions listed for the current state, when the server lists them. */
  listedActions(): readonly string[] | undefined;
  /** Primitive actions the server announced (worldloop servers do), when any. */
  primitiveActions(): readonly string[] | undefined;
}

const GENERIC_DESCRIPTION =
  'Actions are text commands sent to a remote environment server as they are written. When the ' +
  'observation lists the available actions, choose one of them.';

/** Lower case, single spaces, no final period: the form two spellings of one action share. */
function normalise(action: string): string {
  return action.trim().replace(/\s+/g, ' ').replace(/\.$/, '').toLowerCase();
}

/**
 * Validates against the listed actions when the server lists them (returning the listed
 * spelling), else accepts any non-empty text; `acceptUnlisted` accepts unlisted text anyway
 * (for servers whose lists are hints, not the whole language).
 */
export class AgentGymActionSpace implements ActionSpace<string> {
  private indexedList: readonly string[] | undefined;
  private index = new Map<string, string>();

  constructor(
    private readonly state: AgentGymActionState,
    private readonly acceptUnlisted = false,
  ) {}

  /** The server's own description when it sent one (worldloop servers do), else a generic one. */
  describe(): string {
    return this.state.description() ?? GENERIC_DESCRIPTION;
  }

  validate(action: unknown): ActionValidation<string> {
    if (typeof action !== 'string') return { ok: false, reason: `actions are strings, got ${typeof action}` };
    const trimmed = action.trim();
    if (trimmed === '') return { ok: false, reason: 'the action is empty' };
    const listed = this.state.listedActions();
    if (listed === undefined || listed.includes(trimmed)) return { ok: true, action: trimmed }; // the common case, without indexing the list
    const match = this.lookup(listed, trimmed);
    if (match !== undefined) return { ok: true, action: match };
    if (this.acceptUnlisted) return { ok: true, action: trimmed };
    const shown = listed.slice(0, 12).map((item) => JSON.stringify(item)).join(', ');
    return { ok: false, reason: `it is not one of the ${listed.length} actions available now (${shown}${listed.length > 12 ? ', ...' : ''})` };
  }

  validActions(): readonly string[] {
    return this.state.listedActions() ?? [];
  }

  primitiveActions(): readonly string[] {
    return this.state.primitiveActions() ?? this.validActions();
  }

  private lookup(listed: readonly string[], action: string): string | undefined {
    if (listed !== this.indexedList) {
      this.indexedList = listed;
      this.index = new Map();
      for (const item of listed) if (!this.index.has(normalise(item))) this.index.set(normalise(item), item);
    }
    return this.index.get(normalise(action));
  }
}
