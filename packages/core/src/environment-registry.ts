// A registry of environment specs by versioned id; unknown ids fail with the closest known ones.
import { ConfigError, type EnvironmentSpec } from '@worldloop/spec';

/**
 * Makes specs for a family of ids sharing a prefix that cannot be listed in advance, such as
 * `agentgym:http://127.0.0.1:36001#textcraft` (an environment on a server).
 */
export interface EnvironmentResolver {
  /** Ids starting with this are resolved here (`agentgym:`). */
  readonly prefix: string;
  /** An id of the form, shown in error messages. */
  readonly example?: string;
  /** The spec for `id`; throws `ConfigError` when the id is malformed. */
  resolve(id: string): EnvironmentSpec<any, any>;
}

/** Registered environments, looked up by id (`gridworld/GoToLocal-v0`), plus resolvers for prefixed ids. */
export class EnvironmentRegistry {
  private readonly specs = new Map<string, EnvironmentSpec<any, any>>();
  private readonly resolvers: EnvironmentResolver[] = [];

  constructor(specs: Iterable<EnvironmentSpec<any, any>> = []) {
    for (const spec of specs) this.register(spec);
  }

  /** Adds a spec; a second spec with the same id is a `ConfigError`. */
  register(spec: EnvironmentSpec<any, any>): this {
    if (!/^[\w.-]+\/[\w.-]+-v\d+$/.test(spec.id)) {
      throw new ConfigError(`Environment id ${JSON.stringify(spec.id)} must look like "family/Name-v0".`);
    }
    if (this.specs.has(spec.id)) throw new ConfigError(`Environment ${spec.id} is registered twice.`);
    this.specs.set(spec.id, spec);
    return this;
  }

  /** Adds a resolver for ids starting with `resolver.prefix`; registered ids take precedence. */
  addResolver(resolver: EnvironmentResolver): this {
    this.resolvers.push(resolver);
    return this;
  }

  /** The spec with this id (registered, or made by the resolver of its prefix), or a `ConfigError` that lists the closest registered ids. */
  get(id: string): EnvironmentSpec<any, any> {
    const spec = this.specs.get(id);
    if (spec) return spec;
    const resolver = this.resolvers.find((candidate) => id.startsWith(candidate.prefix));
    if (resolver) return resolver.resolve(id);
    const known = [...this.specs.keys()];
    const needle = id.toLowerCase();
    const close = known.filter((candidate) => {
      const lower = candidate.toLowerCase();
      return lower.includes(needle) || needle.includes(lower.split('/')[1]!.replace(/-v\d+$/, ''));
    });
    const forms = this.resolvers.map((candidate) => candidate.example ?? `${candidate.prefix}...`);
    const suggestion = (close.length > 0 ? ` Did you mean ${close.slice(0, 3).join(', ')}?` : '') + (forms.length > 0 ? ` Ids of the form ${forms.join(', ')} are resolved too.` : '');
    throw new ConfigError(
      `Unknown environment ${JSON.stringify(id)}.${suggestion} Run \`worldloop envs\` to list the ${known.length} registered environments.`,
      { details: { id, known } },
    );
  }

  /** Whether an id is registered. */
  has(id: string): boolean {
    return this.specs.has(id);
  }

  /** All specs, sorted by id. */
  list(): EnvironmentSpec<any, any>[] {
    return [...this.specs.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}
