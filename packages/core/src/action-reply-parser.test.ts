// The action reply parser on the shapes local models really produce: ReAct lines, decorated
// actions, <think> blocks, calls written as text (whole, truncated, to other tools), bare actions.
import { describe, expect, it } from 'vitest';
import { actionFromArguments, parseActionReply } from './action-reply-parser.js';

describe('parseActionReply', () => {
  it('reads ReAct "Thought:" and "Action:" lines', () => {
    const reply = parseActionReply('Thought: the key is ahead of me.\nAction: pickup');
    expect(reply).toMatchObject({ action: 'pickup', actionSource: 'action-line', thought: 'the key is ahead of me.', toolCalls: [] });
    expect(reply.problem).toBeUndefined();
  });

  it('strips quotes, backticks and emphasis around the action, and takes the last Action line', () => {
    expect(parseActionReply('**Action:** `go to the red ball`').action).toBe('go to the red ball');
    expect(parseActionReply('Action: "left"').action).toBe('left');
    expect(parseActionReply('Thought: first left.\nAction: left\nOn second thought...\nAction: right').action).toBe('right');
    expect(parseActionReply('Thought: hmm\nAction:\n  forward\n').action).toBe('forward');
  });

  it('cuts off an observation the model made up after its action', () => {
    const reply = parseActionReply('Thought: go.\nAction: forward\nObservation: you see a door.\nThought: open it.\nAction: toggle');
    expect(reply.action).toBe('forward');
  });

  it('treats <think> content as reasoning, never as the action', () => {
    const reply = parseActionReply('<think>Maybe Action: fly? No.</think>\nAction: left');
    expect(reply.action).toBe('left');
    expect(reply.thought).toContain('Maybe Action: fly? No.');
    expect(parseActionReply('<think>still thinking, Action: fly').problem).toBe('Your reply was empty.');
  });

  it('reads an act call written as text, whole or truncated', () => {
    expect(parseActionReply('I will turn.\n<tool_call>{"name": "act", "arguments": {"action": "left"}}</tool_call>')).toMatchObject({ action: 'left', actionSource: 'act-call', thought: 'I will turn.' });
    const truncated = parseActionReply('<tool_call>{"name": "act", "arguments": {"action": "go to the blue key"');
    expect(truncated.action).toBe('go to the blue key');
    expect(truncated.warnings.join(' ')).toMatch(/truncated/);
    expect(parseActionReply('{"name": "act", "arguments": "{\\"action\\": \\"right\\"}"}').action).toBe('right');
  });

  it('says what is wrong with an act call that names no action', () => {
    const reply = parseActionReply('<tool_call>{"name": "act", "arguments": {"move": "left"}}</tool_call>');
    expect(reply.action).toBeUndefined();
    expect(reply.problem).toMatch(/The arguments of act must be a JSON object \{"action": "<one valid action>"\}; got \{"move":"left"\}/);
  });

  it('returns calls to other tools written as text, without an action', () => {
    const reply = parseActionReply('Thought: check my notes first.\n<tool_call>{"name": "read_notes", "arguments": {}}</tool_call>', { knownTools: ['read_notes'], idPrefix: 'x-' });
    expect(reply.toolCalls).toEqual([{ id: 'x-0', name: 'read_notes', arguments: {} }]);
    expect(reply.action).toBeUndefined();
    expect(reply.problem).toBeUndefined();
    expect(reply.thought).toBe('check my notes first.');
  });

  it('takes a one-line reply as the action, and a JSON object with an action', () => {
    expect(parseActionReply('  go to the grey ball.  ')).toMatchObject({ action: 'go to the grey ball.', actionSource: 'whole-reply' });
    expect(parseActionReply('Action: {"action": "toggle"}').action).toBe('toggle');
  });

  it('explains a reply without an action', () => {
    expect(parseActionReply('').problem).toBe('Your reply was empty.');
    expect(parseActionReply('Thought: I am lost.').problem).toBe('Your reply has no "Action:" line.');
    expect(parseActionReply('I see a wall.\nI should turn.').problem).toBe('Your reply has no "Action:" line.');
    expect(parseActionReply('Thought: x\nAction:').problem).toBe('Your "Action:" line is empty.');
  });

  it('never throws on deeply nested JSON, and stays fast on long runs of spaces', () => {
    const nested = '['.repeat(20_000) + ']'.repeat(20_000);
    expect(parseActionReply(nested).action).toBe(nested); // a one-line reply is the action
    expect(parseActionReply(`<tool_call>{"name": "look", "arguments": ${nested}}</tool_call>`).toolCalls).toEqual([]);
    const spaces = ' '.repeat(200_000);
    expect(parseActionReply(`Action: go${spaces}north`).action).toBe(`go${spaces}north`);
    expect(parseActionReply(`"go${spaces}north"`).action).toBe(`go${spaces}north`);
    expect(parseActionReply(`<tool_call>{"name": "act", "arguments": {"action": "go${spaces}x`).action).toBe(`go${spaces}x`);
  });
});

describe('actionFromArguments', () => {
  it('accepts objects and JSON text, and explains anything else', () => {
    expect(actionFromArguments({ action: 'left' })).toBe('left');
    expect(actionFromArguments('{"action": "left"}')).toBe('left');
    expect(actionFromArguments('{"action": "left"')).toBe('left');
    expect(actionFromArguments('left')).toEqual({ problem: expect.stringMatching(/must be a JSON object .*got left\./) });
    expect(actionFromArguments({ action: 3 })).toEqual({ problem: expect.stringMatching(/got \{"action":3\}/) });
  });
});
