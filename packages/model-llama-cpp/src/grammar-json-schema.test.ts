// JSON Schema → node-llama-cpp grammar schema: what is rewritten, what is dropped and reported.
import { ConfigError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { toGrammarJsonSchema } from './grammar-json-schema.js';

const ANY = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] };

describe('toGrammarJsonSchema', () => {
  it('keeps what the grammar supports', () => {
    const schema = {
      type: 'object',
      properties: {
        action: { enum: ['left', 'right'] },
        kind: { const: 'move' },
        note: { type: 'string', minLength: 1, maxLength: 20, description: 'why' },
        at: { type: 'string', format: 'date-time' },
        steps: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 },
        maybe: { type: ['string', 'null'] },
      },
      required: ['action'],
      additionalProperties: false,
    };
    expect(toGrammarJsonSchema(schema)).toEqual({
      schema: {
        type: 'object',
        properties: {
          action: { enum: ['left', 'right'] },
          kind: { const: 'move' },
          note: { type: 'string', minLength: 1, maxLength: 20, description: 'why' },
          at: { type: 'string', format: 'date-time' },
          steps: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 },
          maybe: { type: ['string', 'null'] },
        },
        additionalProperties: false,
      },
      unenforcedKeywords: [],
    });
  });

  it('rewrites anyOf, type lists with structures, definitions and open objects', () => {
    const { schema, unenforcedKeywords } = toGrammarJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      definitions: { point: { type: 'object', properties: { x: { type: 'number' } } } },
      type: 'object',
      properties: {
        target: { anyOf: [{ $ref: '#/definitions/point' }, { type: 'null' }] },
        payload: { type: ['object', 'string'] },
        anything: {},
        bag: { type: 'object' },
      },
    });
    expect(unenforcedKeywords).toEqual([]);
    expect(schema).toEqual({
      oneOf: [
        {
          type: 'object',
          properties: {
            target: { oneOf: [{ $ref: '#/$defs/point' }, { type: 'null' }] },
            payload: { oneOf: [{ type: 'object', properties: {}, additionalProperties: true }, { type: 'string' }] },
            anything: ANY,
            bag: { type: 'object', properties: {}, additionalProperties: true },
          },
          additionalProperties: false,
        },
      ],
      $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, additionalProperties: false } },
    });
  });

  it('merges allOf objects and reads tuple items', () => {
    const { schema } = toGrammarJsonSchema({
      allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { properties: { b: { type: 'boolean' } } }],
    });
    expect(schema).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, additionalProperties: false });
    expect(toGrammarJsonSchema({ type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false }).schema).toEqual({
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      maxItems: 2,
    });
  });

  it('drops and reports what the grammar cannot enforce, but not zod’s safe-integer bounds', () => {
    const { schema, unenforcedKeywords } = toGrammarJsonSchema({
      type: 'object',
      properties: {
        count: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        email: { type: 'string', format: 'email', pattern: '@' },
        tags: { type: 'array', uniqueItems: true },
      },
    });
    expect(unenforcedKeywords).toEqual(['exclusiveMaximum', 'format', 'minimum', 'pattern', 'uniqueItems']);
    expect(schema).toMatchObject({ properties: { count: { type: 'integer' }, ratio: { type: 'number' }, email: { type: 'string' }, tags: { type: 'array' } } });
  });

  it('refuses schemas nothing satisfies and unknown types', () => {
    expect(() => toGrammarJsonSchema(false)).toThrow(ConfigError);
    expect(() => toGrammarJsonSchema({ anyOf: [] })).toThrow(/empty oneOf\/anyOf/);
    expect(() => toGrammarJsonSchema({ type: 'float' })).toThrow(/unknown type "float"/);
    expect(toGrammarJsonSchema(true).schema).toEqual(ANY);
  });
});
