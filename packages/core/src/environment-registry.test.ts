// Environment registry: lookup, versioned ids, helpful errors for unknown ids.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@worldloop/spec';
import { lineWorldEnvironment } from '@worldloop/testkit';
import { EnvironmentRegistry } from './environment-registry.js';

describe('EnvironmentRegistry', () => {
  it('finds registered specs and suggests close ids for unknown ones', () => {
    const registry = new EnvironmentRegistry([lineWorldEnvironment]);
    expect(registry.get('testkit/LineWorld-v0')).toBe(lineWorldEnvironment);
    expect(() => registry.get('testkit/LineWorld-v9')).toThrow(ConfigError);
    expect(() => registry.get('LineWorld')).toThrow(/Did you mean testkit\/LineWorld-v0/);
  });

  it('refuses duplicate and unversioned ids', () => {
    const registry = new EnvironmentRegistry([lineWorldEnvironment]);
    expect(() => registry.register(lineWorldEnvironment)).toThrow(/registered twice/);
    expect(() => registry.register({ ...lineWorldEnvironment, id: 'noversion' })).toThrow(/family\/Name-v0/);
  });

  it('resolves prefixed ids through a resolver and names the form in unknown-id errors', () => {
    const registry = new EnvironmentRegistry([lineWorldEnvironment]).addResolver({
      prefix: 'remote:',
      example: 'remote:<url>',
      resolve: (id) => ({ ...lineWorldEnvironment, id }),
    });
    expect(registry.get('remote:http://host#x').id).toBe('remote:http://host#x');
    expect(registry.get('testkit/LineWorld-v0')).toBe(lineWorldEnvironment);
    expect(() => registry.get('nothing')).toThrow(/remote:<url>/);
  });
});
