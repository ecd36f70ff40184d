// The `agentgym:<url>#<name>[?option=value&...]` environment ids: parsed into client options and
// an EnvironmentSpec, plus a resolver an EnvironmentRegistry consults for ids with that prefix.
import { ConfigError, type EnvironmentOptions, type EnvironmentSpec } from '@worldloop/spec';
import { AgentGymEnvironment, type AgentGymEnvironmentOptions, type AgentGymObservation } from './agentgym-environment.js';

/** The prefix of AgentGym environment ids. */
export const AGENTGYM_ID_PREFIX = 'agentgym:';

const EXAMPLE = 'agentgym:http://127.0.0.1:36001#textcraft';

/** Options that may follow the name in an id (`#babyai?tasks=40&timeout-ms=5000`). */
const ID_OPTIONS: Readonly<Record<string, (value: string, name: string) => Partial<AgentGymEnvironmentOptions>>> = {
  tasks: (value, name) => ({ taskCount: positiveInteger(value, name) }),
  'max-steps': (value, name) => ({ maxSteps: positiveInteger(value, name) }),
  'timeout-ms': (value, name) => ({ timeoutMs: positiveInteger(value, name) }),
  retries: (value, name) => ({ retries: positiveInteger(value, name, 0) }),
  'id-field': (value) => ({ idField: value }),
  'reset-field': (value) => ({ resetIndexField: value }),
  expert: (value, name) => ({ expert: booleanValue(value, name) }),
  'accept-unlisted': (value, name) => ({ acceptUnlistedActions: booleanValue(value, name) }),
};

function positiveInteger(value: string, name: string, minimum = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < minimum) throw new ConfigError(`AgentGym id option ${name} must be an integer of at least ${minimum}; got ${JSON.stringify(value)}.`);
  return Number(value);
}

function booleanValue(value: string, name: string): boolean {
  if (['1', 'true', 'yes', ''].includes(value)) return true;
  if (['0', 'false', 'no'].includes(value)) return false;
  throw new ConfigError(`AgentGym id option ${name} must be true or false; got ${JSON.stringify(value)}.`);
}

/**
 * Client options from an id such as `agentgym:http://127.0.0.1:36001#textcraft` or
 * `agentgym:http://host:36002#babyai?tasks=40&expert=1`. Options: `tasks`, `max-steps`,
 * `timeout-ms`, `retries`, `id-field`, `reset-field`, `expert`, `accept-unlisted`.
 */
export function parseAgentGymEnvironmentId(id: string): AgentGymEnvironmentOptions {
  if (!id.startsWith(AGENTGYM_ID_PREFIX)) throw new ConfigError(`${JSON.stringify(id)} is not an AgentGym environment id; write it like ${EXAMPLE}.`);
  const rest = id.slice(AGENTGYM_ID_PREFIX.length);
  const hash = rest.indexOf('#');
  const url = hash < 0 ? rest : rest.slice(0, hash);
  const fragment = hash < 0 ? '' : rest.slice(hash + 1);
  const mark = fragment.indexOf('?');
  const rawName = mark < 0 ? fragment : fragment.slice(0, mark);
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch (error) {
    throw new ConfigError(`AgentGym id ${JSON.stringify(id)} has a malformed %-escape in the name ${JSON.stringify(rawName)}; write % as %25.`, { cause: error });
  }
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new ConfigError(`AgentGym id ${JSON.stringify(id)} needs the server's http URL after "agentgym:", e.g. ${EXAMPLE}.`);
  if (name === '') throw new ConfigError(`AgentGym id ${JSON.stringify(id)} needs the environment's name after "#", e.g. ${EXAMPLE}.`);
  let options: AgentGymEnvironmentOptions = { url, name, id };
  if (mark >= 0) {
    for (const [key, value] of new URLSearchParams(fragment.slice(mark + 1))) {
      const parse = ID_OPTIONS[key];
      if (!parse) throw new ConfigError(`Unknown AgentGym id option ${JSON.stringify(key)} in ${JSON.stringify(id)}; known: ${Object.keys(ID_OPTIONS).join(', ')}.`);
      options = { ...options, ...parse(value, key) };
    }
  }
  return options;
}

/** An EnvironmentSpec for an `agentgym:` id; each `create` makes a client with its own server instance. */
export function agentGymEnvironmentSpec(id: string): EnvironmentSpec<AgentGymObservation, string> {
  const options = parseAgentGymEnvironmentId(id);
  return {
    id,
    description: `${options.name} served over the AgentGym HTTP protocol at ${options.url}.`,
    hasExpert: options.expert === true,
    create: (environmentOptions?: EnvironmentOptions) =>
      new AgentGymEnvironment({ ...options, ...(environmentOptions?.maxSteps !== undefined ? { maxSteps: environmentOptions.maxSteps } : {}) }),
  };
}

/** Resolves `agentgym:` ids for an EnvironmentRegistry (`registry.addResolver(agentGymEnvironmentResolver)`). */
export const agentGymEnvironmentResolver = {
  prefix: AGENTGYM_ID_PREFIX,
  example: EXAMPLE,
  resolve: agentGymEnvironmentSpec,
} as const;
