// Tests of embedJsonSchema: definitions move to the outer root under a prefix and refs follow them,
// into a definition's inside too; data keywords and properties that merely share their names.
import { describe, expect, it } from 'vitest';
import { embedJsonSchema } from './embedded-json-schema.js';
import type { JsonSchema } from './json.js';

describe('embedJsonSchema', () => {
  it('moves $defs to the outer definitions and rewrites refs to them and to the root', () => {
    const definitions: Record<string, JsonSchema> = {};
    const embedded = embedJsonSchema(
      { type: 'object', properties: { at: { $ref: '#/$defs/Point' }, next: { $ref: '#' }, mode: { const: { $ref: '#/$defs/Point' } } }, $defs: { Point: { type: 'array' } } },
      't0_',
      definitions,
    );
    expect(embedded).toEqual({ type: 'object', properties: { at: { $ref: '#/$defs/t0_Point' }, next: { $ref: '#/$defs/t0_root' }, mode: { const: { $ref: '#/$defs/Point' } } } });
    expect(definitions).toEqual({ t0_Point: { type: 'array' }, t0_root: embedded });
  });

  it('rewrites refs that point inside a definition, nested $defs included', () => {
    const definitions: Record<string, JsonSchema> = {};
    const embedded = embedJsonSchema(
      {
        properties: { inner: { $ref: '#/$defs/Outer/$defs/Inner' }, name: { $ref: '#/definitions/Person/properties/name' } },
        $defs: { Outer: { $defs: { Inner: { type: 'integer' } }, properties: { self: { $ref: '#/$defs/Outer/$defs/Inner' } } } },
        definitions: { Person: { properties: { name: { type: 'string' } } } },
      },
      'p_',
      definitions,
    );
    expect(embedded).toEqual({ properties: { inner: { $ref: '#/$defs/p_Outer/$defs/Inner' }, name: { $ref: '#/$defs/p_Person/properties/name' } } });
    expect(definitions['p_Outer']).toEqual({ $defs: { Inner: { type: 'integer' } }, properties: { self: { $ref: '#/$defs/p_Outer/$defs/Inner' } } });
  });

  it('rewrites refs in properties named like data keywords (const, enum, default, examples)', () => {
    const definitions: Record<string, JsonSchema> = {};
    const embedded = embedJsonSchema(
      {
        type: 'object',
        properties: { default: { $ref: '#/$defs/Value' }, enum: { type: 'array', items: { $ref: '#/$defs/Value' } } },
        patternProperties: { '^const': { $ref: '#/$defs/Value' } },
        default: { default: { $ref: '#/$defs/Value' } },
        $defs: { Value: { type: 'string' } },
      },
      'v_',
      definitions,
    );
    expect(embedded).toEqual({
      type: 'object',
      properties: { default: { $ref: '#/$defs/v_Value' }, enum: { type: 'array', items: { $ref: '#/$defs/v_Value' } } },
      patternProperties: { '^const': { $ref: '#/$defs/v_Value' } },
      default: { default: { $ref: '#/$defs/Value' } },
    });
  });

  it('leaves refs to anything else as they are, and non-object schemas alone', () => {
    const definitions: Record<string, JsonSchema> = {};
    expect(embedJsonSchema({ $ref: 'https://example.com/s.json', items: { $ref: '#/$defs/Missing' } }, 'x_', definitions)).toEqual({ $ref: 'https://example.com/s.json', items: { $ref: '#/$defs/Missing' } });
    expect(definitions).toEqual({});
  });
});
