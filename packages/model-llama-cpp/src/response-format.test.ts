// The tool-call / answer format: schema per toolChoice, instructions, and reading outputs back.
import type { GenerateRequest, ToolDefinition } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { ResponseFormat } from './response-format.js';

const tools: ToolDefinition[] = [
  { name: 'move', description: 'Moves.', parameters: { type: 'object', properties: { to: { enum: ['a', 'b'] } } } },
  { name: 'wait', description: 'Waits.', parameters: { type: 'object', properties: {} } },
];
const messages: GenerateRequest['messages'] = [{ role: 'user', content: 'Go' }];
const ids = (): (() => string) => {
  let next = 0;
  return () => `call_${++next}`;
};

describe('ResponseFormat', () => {
  it('is absent for free text, and is the response schema alone without tools', () => {
    expect(ResponseFormat.forRequest({ messages })).toBeUndefined();
    expect(ResponseFormat.forRequest({ messages, tools, toolChoice: 'none' })).toBeUndefined();
    const format = ResponseFormat.forRequest({ messages, responseSchema: { enum: ['x'] } })!;
    expect(format.schema).toEqual({ enum: ['x'] });
    expect(format.instructions).toBeUndefined();
    expect(format.read(' "x" ', ids())).toEqual({ text: '"x"', toolCalls: [], complete: true });
    expect(format.read('"x', ids())).toEqual({ text: '"x', toolCalls: [], complete: false });
  });

  it('decodes with a tool\'s decodingParameters but shows its parameters in the prompt', () => {
    const narrowed: ToolDefinition = { ...tools[0]!, decodingParameters: { type: 'object', properties: { to: { enum: ['b'] } }, required: ['to'] } };
    const format = ResponseFormat.forRequest({ messages, tools: [narrowed], toolChoice: 'required' })!;
    expect(format.schema).toEqual({ type: 'object', properties: { name: { const: 'move' }, arguments: narrowed.decodingParameters }, required: ['name', 'arguments'], additionalProperties: false });
    expect(format.instructions).toContain('arguments: {"type":"object","properties":{"to":{"enum":["a","b"]}}}');
    expect(format.instructions).not.toContain('"enum":["b"]');
  });

  it('lifts the definitions of a tool\'s schema and of the answer schema to the root, where their $refs point', () => {
    const address = { type: 'object', properties: { city: { enum: ['Oslo', 'Rome'] } }, required: ['city'] };
    const ship: ToolDefinition = {
      name: 'ship',
      description: 'Ships.',
      parameters: { type: 'object', properties: { to: { $ref: '#/$defs/Address' }, from: { $ref: '#/definitions/Address' } }, $defs: { Address: address }, definitions: { Address: address } },
    };
    const format = ResponseFormat.forRequest({ messages, tools: [ship], responseSchema: { $ref: '#/$defs/Done', $defs: { Done: { enum: ['yes'] } } } })!;
    const schema = format.schema as { oneOf: { properties: Record<string, unknown> }[]; $defs: Record<string, unknown> };
    const [toolAlternative, answerAlternative] = schema.oneOf;
    const argumentsSchema = toolAlternative!.properties['arguments'] as { properties: Record<string, { $ref: string }>; $defs?: unknown };
    expect(argumentsSchema.$defs).toBeUndefined();
    for (const property of ['to', 'from']) expect(schema.$defs[argumentsSchema.properties[property]!.$ref.replace('#/$defs/', '')]).toEqual(address);
    expect(schema.$defs[(answerAlternative!.properties['answer'] as { $ref: string }).$ref.replace('#/$defs/', '')]).toEqual({ enum: ['yes'] });
    // The prompt shows the tool's schema as it was given.
    expect(format.instructions).toContain(JSON.stringify(ship.parameters));
  });

  it('offers every tool and a string answer when toolChoice is auto', () => {
    const format = ResponseFormat.forRequest({ messages, tools })!;
    expect(format.schema).toEqual({
      oneOf: [
        { type: 'object', properties: { name: { const: 'move' }, arguments: tools[0]!.parameters }, required: ['name', 'arguments'], additionalProperties: false },
        { type: 'object', properties: { name: { const: 'wait' }, arguments: tools[1]!.parameters }, required: ['name', 'arguments'], additionalProperties: false },
        { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
      ],
    });
    expect(format.instructions).toContain('- move: Moves.\n  arguments: {"type":"object","properties":{"to":{"enum":["a","b"]}}}');
    expect(format.instructions).toContain('or {"answer": ...} to reply without one.');
    const next = ids();
    expect(format.read('{"name": "move", "arguments": {"to": "b"}}', next)).toEqual({
      text: '',
      toolCalls: [{ id: 'call_1', name: 'move', arguments: { to: 'b' } }],
      complete: true,
    });
    expect(format.read('{"answer": "done"}', next)).toEqual({ text: 'done', toolCalls: [], complete: true });
    expect(format.read('{"name": "move", "argu', next).complete).toBe(false);
  });

  it('returns a schema-shaped answer as JSON text', () => {
    const format = ResponseFormat.forRequest({ messages, tools, responseSchema: { enum: ['won', 'lost'] } })!;
    expect(format.read('{"answer": "won"}', ids())).toEqual({ text: '"won"', toolCalls: [], complete: true });
  });

  it('requires a tool, or one named tool, without the answer alternative', () => {
    const required = ResponseFormat.forRequest({ messages, tools, toolChoice: 'required' })!;
    expect((required.schema['oneOf'] as unknown[]).length).toBe(2);
    expect(required.instructions).not.toContain('answer');
    const named = ResponseFormat.forRequest({ messages, tools, toolChoice: { name: 'wait' } })!;
    expect(named.schema).toMatchObject({ properties: { name: { const: 'wait' } } });
  });

  it('refuses tool choices that cannot be honoured', () => {
    expect(() => ResponseFormat.forRequest({ messages, tools, toolChoice: { name: 'fly' } })).toThrow(/toolChoice names "fly"/);
    expect(() => ResponseFormat.forRequest({ messages, toolChoice: 'required' })).toThrow(/needs tools/);
    expect(() => ResponseFormat.forRequest({ messages, tools: [tools[0]!, tools[0]!] })).toThrow(/unique/);
  });
});
