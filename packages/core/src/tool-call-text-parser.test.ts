// Tool calls written as text: each format local models really produce, and the repairs the parser makes.
import { describe, expect, it } from 'vitest';
import { parseToolCallArguments, parseToolCallsFromText } from './tool-call-text-parser.js';

const tools = ['move', 'pickup', 'look'];

describe('parseToolCallsFromText', () => {
  it('returns the text unchanged when there is no call', () => {
    const result = parseToolCallsFromText('I will go north now.', tools);
    expect(result).toEqual({ toolCalls: [], remainingText: 'I will go north now.', warnings: [] });
  });

  it('reads Hermes/Qwen <tool_call> tags, several of them, and keeps the prose', () => {
    const text = 'Let me move.\n<tool_call>\n{"name": "move", "arguments": {"direction": "north"}}\n</tool_call>\n<tool_call>\n{"name": "look", "arguments": {}}\n</tool_call>';
    const result = parseToolCallsFromText(text, tools);
    expect(result.toolCalls).toEqual([
      { id: 'text-call-0', name: 'move', arguments: { direction: 'north' } },
      { id: 'text-call-1', name: 'look', arguments: {} },
    ]);
    expect(result.remainingText).toBe('Let me move.');
    expect(result.warnings).toEqual([]);
  });

  it('accepts an unclosed last <tool_call> tag with truncated JSON, and warns about the repair', () => {
    const result = parseToolCallsFromText('<tool_call>\n{"name": "move", "arguments": {"direction": "north"', tools);
    expect(result.toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.warnings.join('\n')).toMatch(/truncated/);
  });

  it('reads a ```json fenced block and drops the fence', () => {
    const text = 'I will pick it up.\n```json\n{"name": "pickup", "arguments": {"object": "key"}}\n```\nDone.';
    const result = parseToolCallsFromText(text, tools);
    expect(result.toolCalls).toEqual([{ id: 'text-call-0', name: 'pickup', arguments: { object: 'key' } }]);
    expect(result.remainingText).toBe('I will pick it up.\n\nDone.');
  });

  it('ignores fenced blocks that are not calls', () => {
    const text = '```python\nprint("hi")\n```';
    expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([]);
  });

  it('reads a bare JSON object followed by prose', () => {
    const result = parseToolCallsFromText('{"name": "move", "arguments": {"direction": "east"}} I think this is best.', tools);
    expect(result.toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'east' } }]);
    expect(result.remainingText).toBe('I think this is best.');
  });

  it('reads the {"tool": ..., "arguments": ...} and {"function": {...}} shapes', () => {
    expect(parseToolCallsFromText('{"tool": "look", "arguments": {}}', tools).toolCalls).toEqual([{ id: 'text-call-0', name: 'look', arguments: {} }]);
    const openai = '{"id": "call_9", "type": "function", "function": {"name": "move", "arguments": "{\\"direction\\": \\"west\\"}"}}';
    expect(parseToolCallsFromText(openai, tools).toolCalls).toEqual([{ id: 'call_9', name: 'move', arguments: { direction: 'west' } }]);
  });

  it('reads Llama 3 {"name", "parameters"} and arrays of calls', () => {
    const text = '[{"name": "move", "parameters": {"direction": "south"}}, {"name": "look", "parameters": {}}]';
    expect(parseToolCallsFromText(text, tools).toolCalls.map((call) => [call.name, call.arguments])).toEqual([
      ['move', { direction: 'south' }],
      ['look', {}],
    ]);
  });

  it('reads {"tool_calls": [...]} written as text', () => {
    const text = '{"tool_calls": [{"function": {"name": "look", "arguments": "{}"}}]}';
    expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([{ id: 'text-call-0', name: 'look', arguments: {} }]);
  });

  it('decodes arguments given as a JSON string, even encoded twice', () => {
    const once = parseToolCallsFromText('<tool_call>{"name": "move", "arguments": "{\\"direction\\": \\"north\\"}"}</tool_call>', tools);
    expect(once.toolCalls[0]!.arguments).toEqual({ direction: 'north' });
    expect(once.warnings).toEqual([]);
    const twice = parseToolCallsFromText(JSON.stringify({ name: 'move', arguments: JSON.stringify(JSON.stringify({ direction: 'up' })) }), tools);
    expect(twice.toolCalls[0]!.arguments).toEqual({ direction: 'up' });
    expect(twice.warnings.join('\n')).toMatch(/encoded twice/);
  });

  it('repairs a bare call missing its closing braces', () => {
    const result = parseToolCallsFromText('Calling: {"name": "pickup", "arguments": {"object": "red key"', tools);
    expect(result.toolCalls).toEqual([{ id: 'text-call-0', name: 'pickup', arguments: { object: 'red key' } }]);
    expect(result.remainingText).toBe('Calling:');
    expect(result.warnings.join('\n')).toMatch(/truncated; repaired by closing with "}}"/);
  });

  it('cuts back an incomplete last member when closing braces is not enough', () => {
    const result = parseToolCallsFromText('{"name": "move", "arguments": {"direction": "north", "ste', tools);
    expect(result.toolCalls[0]!.arguments).toEqual({ direction: 'north' });
  });

  it('removes trailing commas', () => {
    const result = parseToolCallsFromText('{"name": "move", "arguments": {"direction": "north",},}', tools);
    expect(result.toolCalls[0]!.arguments).toEqual({ direction: 'north' });
    expect(result.warnings.join('\n')).toMatch(/trailing commas/);
  });

  it('keeps an unknown tool, with a warning naming the known ones', () => {
    const result = parseToolCallsFromText('<tool_call>{"name": "fly", "arguments": {"to": "moon"}}</tool_call>', tools);
    expect(result.toolCalls).toEqual([{ id: 'text-call-0', name: 'fly', arguments: { to: 'moon' } }]);
    expect(result.warnings).toEqual(['Tool "fly" is not one of the known tools (move, pickup, look); kept as called.']);
  });

  it('keeps arguments that are not JSON as the raw string, with a warning', () => {
    const result = parseToolCallsFromText('<tool_call>{"name": "move", "arguments": "go north please"}</tool_call>', tools);
    expect(result.toolCalls[0]!.arguments).toBe('go north please');
    expect(result.warnings.join('\n')).toMatch(/not valid JSON; kept as the raw string/);
  });

  it('reads Llama <|python_tag|> in JSON and in call style', () => {
    const json = parseToolCallsFromText('<|python_tag|>{"name": "move", "parameters": {"direction": "north"}}<|eom_id|>', tools);
    expect(json.toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'north' } }]);
    const call = parseToolCallsFromText('<|python_tag|>move.call(direction="north", steps=2)', tools);
    expect(call.toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'north', steps: 2 } }]);
  });

  it('reads <function=name>{...}</function> and Mistral [TOOL_CALLS]', () => {
    const function_ = parseToolCallsFromText('<function=move>{"direction": "north"}</function>', tools);
    expect(function_.toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'north' } }]);
    const mistral = parseToolCallsFromText('[TOOL_CALLS] [{"name": "look", "arguments": {}}]', tools);
    expect(mistral.toolCalls).toEqual([{ id: 'text-call-0', name: 'look', arguments: {} }]);
    expect(mistral.remainingText).toBe('');
  });

  it('does not take ordinary JSON answers for calls', () => {
    expect(parseToolCallsFromText('{"name": "Alice", "age": 3}', tools).toolCalls).toEqual([]);
    expect(parseToolCallsFromText('The set is {1, 2, 3} and [a, b].', tools).toolCalls).toEqual([]);
    expect(parseToolCallsFromText('{"answer": 42}', tools).toolCalls).toEqual([]);
  });

  it('accepts {"name": "look"} without arguments when the tool is known', () => {
    expect(parseToolCallsFromText('{"name": "look"}', tools).toolCalls).toEqual([{ id: 'text-call-0', name: 'look', arguments: {} }]);
  });

  it('ignores JSON inside <think> blocks', () => {
    const text = '<think>maybe {"name": "move", "arguments": {"direction": "south"}}?</think>\n{"name": "look", "arguments": {}}';
    const result = parseToolCallsFromText(text, tools);
    expect(result.toolCalls.map((call) => call.name)).toEqual(['look']);
  });

  it('uses the id prefix it is given', () => {
    const result = parseToolCallsFromText('{"tool": "look"}', tools, { idPrefix: 'step3-' });
    expect(result.toolCalls[0]!.id).toBe('step3-0');
  });

  it('stays fast on long text full of unbalanced braces', () => {
    const text = '{'.repeat(2000) + ' and some prose ' + '['.repeat(2000);
    expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([]);
  });

  it('does not overflow the stack on deeply nested JSON, tagged, fenced or bare, closed or not', () => {
    const depth = 20_000;
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    for (const text of [nested, `<tool_call>${nested}</tool_call>`, '```json\n' + nested + '\n```', '['.repeat(depth), `[TOOL_CALLS]${nested}`]) {
      expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([]);
    }
  });

  it('stays fast on long text of nested objects (each opener is not rescanned to the end)', () => {
    const depth = 20_000;
    const text = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([]);
    expect(parseToolCallsFromText(`<tool_call>${text}</tool_call>`, tools).toolCalls).toEqual([]);
  });

  it('still finds a call nested a few levels deep in other JSON', () => {
    const text = '{"reply": {"calls": [{"name": "move", "arguments": {"direction": "north"}}]}, "x": 1}';
    expect(parseToolCallsFromText(text, tools).toolCalls).toEqual([{ id: 'text-call-0', name: 'move', arguments: { direction: 'north' } }]);
  });
});

describe('parseToolCallArguments', () => {
  it('parses, repairs or keeps raw', () => {
    expect(parseToolCallArguments('{"a": 1}')).toEqual({ value: { a: 1 }, parsed: true, warnings: [] });
    expect(parseToolCallArguments({ a: 1 })).toEqual({ value: { a: 1 }, parsed: true, warnings: [] });
    expect(parseToolCallArguments(undefined).value).toEqual({});
    expect(parseToolCallArguments('').value).toEqual({});
    expect(parseToolCallArguments('{"a": [1, 2').value).toEqual({ a: [1, 2] });
    const raw = parseToolCallArguments('a=1', 'move');
    expect(raw).toMatchObject({ value: 'a=1', parsed: false });
    expect(raw.warnings[0]).toMatch(/^Arguments of "move" are not valid JSON/);
  });

  it('keeps arguments nested too deeply to be recorded as the raw string', () => {
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const result = parseToolCallArguments(deep, 'move');
    expect(result).toMatchObject({ value: deep, parsed: false });
    expect(result.warnings[0]).toMatch(/^Arguments of "move" nest deeper than 64 levels; kept as the raw string/);
    expect(() => JSON.stringify(parseToolCallArguments('['.repeat(20_000), 'move').value)).not.toThrow();
  });
});
