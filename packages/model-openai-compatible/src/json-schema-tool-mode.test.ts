// Json-schema tool mode: the schema per tool choice, the instructions, and reading replies back.
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '@worldloop/spec';
import { parseToolCallResponse, toolCallInstructions, toolCallResponseSchema } from './json-schema-tool-mode.js';

const move: ToolDefinition = { name: 'move', description: 'Moves.', parameters: { type: 'object', properties: { direction: { type: 'string' } } } };
const look: ToolDefinition = { name: 'look', description: 'Looks.', parameters: { type: 'object', properties: {} } };
let counter = 0;
const nextId = () => `id${counter++}`;

describe('toolCallResponseSchema', () => {
  it('has one branch per tool plus a text branch for auto', () => {
    const schema = toolCallResponseSchema([move, look]);
    expect(schema.anyOf).toEqual([
      { type: 'object', properties: { tool: { type: 'string', enum: ['move'] }, arguments: move.parameters }, required: ['tool', 'arguments'], additionalProperties: false },
      { type: 'object', properties: { tool: { type: 'string', enum: ['look'] }, arguments: look.parameters }, required: ['tool', 'arguments'], additionalProperties: false },
      { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
    ]);
  });

  it('drops the text branch for required, keeps only the named tool, only text for none, a response branch with a schema', () => {
    expect((toolCallResponseSchema([move, look], 'required').anyOf as unknown[]).length).toBe(2);
    expect(toolCallResponseSchema([move, look], { name: 'look' })).toMatchObject({ properties: { tool: { enum: ['look'] } } });
    expect(toolCallResponseSchema([move, look], 'none')).toMatchObject({ required: ['text'] });
    const answer = { type: 'object', properties: { room: { type: 'string' } } };
    expect((toolCallResponseSchema([move], 'auto', answer).anyOf as unknown[])[1]).toEqual({
      type: 'object',
      properties: { response: answer },
      required: ['response'],
      additionalProperties: false,
    });
  });

  it('constrains with decodingParameters while the instructions show parameters', () => {
    const narrowed: ToolDefinition = { ...move, decodingParameters: { type: 'object', properties: { direction: { enum: ['up'] } } } };
    expect(toolCallResponseSchema([narrowed], 'required')).toMatchObject({ properties: { arguments: narrowed.decodingParameters } });
    expect(toolCallInstructions([narrowed], 'required')).toContain(JSON.stringify(move.parameters));
    expect(toolCallInstructions([narrowed], 'required')).not.toContain('"up"');
  });

  it('moves each tool’s $defs to the root, renamed, so its refs resolve there (zod, Pydantic and MCP schemas use them)', () => {
    const address = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const deliver: ToolDefinition = {
      name: 'deliver',
      description: 'Deliver a parcel.',
      parameters: { type: 'object', properties: { to: { $ref: '#/$defs/Address' }, from: { $ref: '#/$defs/Address' } }, $defs: { Address: address } },
    };
    const tree: ToolDefinition = {
      name: 'tree',
      description: 'A recursive node.',
      parameters: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } }, definitions: { Address: { type: 'string' } } },
    };
    const schema = toolCallResponseSchema([deliver, tree], 'required') as { anyOf: { properties: { arguments: Record<string, unknown> } }[]; $defs: Record<string, unknown> };
    expect(schema.$defs).toEqual({ tool0_Address: address, tool1_Address: { type: 'string' }, tool1_root: schema.anyOf[1]!.properties.arguments });
    expect(schema.anyOf[0]!.properties.arguments).toEqual({ type: 'object', properties: { to: { $ref: '#/$defs/tool0_Address' }, from: { $ref: '#/$defs/tool0_Address' } } });
    expect(JSON.stringify(schema.anyOf[1]!.properties.arguments)).toContain('"$ref":"#/$defs/tool1_root"');
    // Every ref in the document now points at a definition at its root.
    for (const [, name] of JSON.stringify(schema).matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)) expect(schema.$defs).toHaveProperty(name!);
    // Without definitions, the schema stays as it was.
    expect(toolCallResponseSchema([{ name: 'wait', description: 'Wait.', parameters: { type: 'object', properties: {} } }], 'required')).not.toHaveProperty('$defs');
  });

  it('writes instructions that list the tools and the reply forms', () => {
    const text = toolCallInstructions([move], 'auto');
    expect(text).toContain('- move: Moves.');
    expect(text).toContain('{"tool": "<tool name>", "arguments": {...}}');
    expect(text).toContain('{"text": "<your answer>"}');
    expect(toolCallInstructions([move], 'required')).not.toContain('{"text"');
  });
});

describe('parseToolCallResponse', () => {
  it('reads calls, text and structured responses', () => {
    expect(parseToolCallResponse('{"tool": "move", "arguments": {"direction": "up"}}', ['move'], nextId)).toEqual({
      text: '',
      toolCalls: [{ id: expect.any(String), name: 'move', arguments: { direction: 'up' } }],
      warnings: [],
    });
    expect(parseToolCallResponse('{"text": "done"}', ['move'], nextId)).toEqual({ text: 'done', toolCalls: [], warnings: [] });
    expect(parseToolCallResponse('{"response": {"room": "hall"}}', ['move'], nextId).text).toBe('{"room":"hall"}');
  });

  it('falls back to the text parser, then to plain text, with warnings', () => {
    const recovered = parseToolCallResponse('Sure: {"name": "move", "arguments": {"direction": "up"}', ['move'], nextId);
    expect(recovered.toolCalls).toMatchObject([{ name: 'move', arguments: { direction: 'up' } }]);
    expect(recovered.warnings[0]).toMatch(/did not match the schema/);
    const plain = parseToolCallResponse('I refuse.', ['move'], nextId);
    expect(plain).toMatchObject({ text: 'I refuse.', toolCalls: [] });
    expect(plain.warnings[0]).toMatch(/does the server enforce response_format/);
  });

  it('keeps a call to a tool that was not offered, with a warning', () => {
    const result = parseToolCallResponse('{"tool": "fly", "arguments": {}}', ['move'], nextId);
    expect(result.toolCalls[0]!.name).toBe('fly');
    expect(result.warnings).toEqual(['Tool "fly" is not one of the offered tools (move); kept as called.']);
  });
});
