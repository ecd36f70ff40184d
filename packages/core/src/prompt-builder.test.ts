// The prompt layout: a fixed system message, an append-only history, the volatile context only in
// the current opening, deterministic output, and budget trims that drop old turns in chunks.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ChatMessage, type MemoryHit } from '@worldloop/spec';
import { PromptBuilder, omittedStepsMarker } from './prompt-builder.js';

const memory = (text: string): MemoryHit => ({
  record: { id: text, kind: 'fact', text, namespace: 'agent:test', importance: 0.5, createdAt: 0 },
  score: 1,
  components: { lexical: 1, vector: 0, recency: 0, importance: 0 },
});

function play(builder: PromptBuilder, steps: number): ChatMessage[][] {
  const prompts: ChatMessage[][] = [];
  for (let step = 0; step < steps; step++) {
    builder.beginTurn(
      { observationText: `You are in room ${step}. `.repeat(4), ...(step % 3 === 2 ? { feedback: 'Invalid action "fly".' } : {}) },
      { memories: [memory(`memory of step ${step}`)], validActions: ['left', 'right'], stepIndex: step, maxSteps: 100, reminder: 'Answer.' },
    );
    prompts.push(builder.messages());
    builder.append({ role: 'assistant', content: `Thought: step ${step}.\nAction: left` });
  }
  return prompts;
}

describe('PromptBuilder', () => {
  it('puts instructions, action language, text-mode tools and mission in one fixed system message', () => {
    const builder = new PromptBuilder({
      instructions: 'You are an agent.',
      actionDescription: 'Actions: left, right.',
      tools: [{ name: 'read_notes', description: 'Reads your notes.', parameters: { type: 'object', properties: {} } }],
      mission: 'reach the goal',
    });
    expect(builder.system).toEqual({
      role: 'system',
      content: [
        'You are an agent.',
        'Action language:\nActions: left, right.',
        'Tools:\nTo call a tool, write <tool_call>{"name": "<tool>", "arguments": {...}}</tool_call> instead of an "Action:" line.\n' +
          'Its result comes back in the next message; then continue. Tools do not act in the world.\n' +
          '- read_notes: Reads your notes.\n  arguments (JSON Schema): {"type":"object","properties":{}}',
        'Mission: reach the goal',
      ].join('\n\n'),
    });
  });

  it('shows the volatile context in the current opening only, and keeps history append-only', () => {
    const builder = new PromptBuilder({ instructions: 'You are an agent.', mission: 'reach the goal' });
    const prompts = play(builder, 6);
    for (let step = 1; step < prompts.length; step++) {
      const previous = prompts[step - 1]!;
      const current = prompts[step]!;
      expect(current[0]).toBe(builder.system);
      // Everything before the previous step's opening is unchanged; that opening lost only its tail.
      const openingIndex = previous.length - 1;
      expect(current.slice(0, openingIndex)).toEqual(previous.slice(0, openingIndex));
      const before = previous[openingIndex]!.content as string;
      const after = current[openingIndex]!.content as string;
      expect(before.startsWith(after)).toBe(true);
      expect(before.slice(after.length)).toMatch(/^\n\nMemories that may help:\n- memory of step \d+\n\nValid actions now: left, right\nSteps used: \d+ of 100\.\nAnswer\.$/);
    }
    const last = prompts.at(-1)!;
    const volatile = last.filter((message) => typeof message.content === 'string' && message.content.includes('Memories that may help'));
    expect(volatile).toEqual([last.at(-1)]);
    expect(last[5]!.content).toBe(`Your last action did not take effect: Invalid action "fly".\nObservation:\n${'You are in room 2. '.repeat(4)}`);
  });

  it('is deterministic: the same inputs give byte-identical prompts', () => {
    const first = play(new PromptBuilder({ instructions: 'x', mission: 'm' }), 5);
    const second = play(new PromptBuilder({ instructions: 'x', mission: 'm' }), 5);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('drops the oldest turns in chunks to fit the budget, keeping the system message and a marker', () => {
    const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
    const builder = new PromptBuilder({ instructions: 'You are an agent.', mission: 'reach the goal', maxPromptTokens: 400, estimateTokens });
    const prompts = play(builder, 40);
    const omitted = prompts.map((prompt) => {
      const match = /^\((\d+) earlier steps? omitted\)\n\n/.exec(prompt[1]!.content as string);
      return match ? Number(match[1]) : 0;
    });
    expect(omitted.at(-1)).toBeGreaterThan(20);
    expect(builder.omittedSteps).toBe(omitted.at(-1));
    const trims = omitted.filter((count, index) => index > 0 && count !== omitted[index - 1]).length;
    expect(trims).toBeGreaterThan(1);
    expect(trims).toBeLessThan(omitted.at(-1)! / 2); // several steps dropped per trim, not one at a time
    for (const prompt of prompts) {
      expect(prompt[0]).toBe(builder.system);
      const tokens = prompt.reduce((sum, message) => sum + 4 + estimateTokens(message.content as string), 0);
      expect(tokens).toBeLessThanOrEqual(400);
    }
    // Between two trims the prompt is append-only again.
    const stable = omitted.findIndex((count, index) => index > 0 && count > 0 && count === omitted[index - 1]);
    expect(prompts[stable]!.slice(0, prompts[stable - 1]!.length - 1)).toEqual(prompts[stable - 1]!.slice(0, -1));
    expect(prompts.at(-1)![1]!.content).toMatch(new RegExp(`^\\${omittedStepsMarker(builder.omittedSteps).slice(0, -1)}\\)\n\nObservation:`));
  });

  it('tells whether more messages fit the current turn, and scales estimates by tokenScale', () => {
    const builder = new PromptBuilder({ instructions: 'x'.repeat(40), maxPromptTokens: 100 }); // system: 4 + 10 tokens
    builder.beginTurn({ observationText: 'o'.repeat(80) }); // "Observation:\n" + 80: 4 + 24 tokens
    builder.append({ role: 'assistant', content: 'a'.repeat(40) }); // 4 + 10 tokens
    expect(builder.estimatePromptTokens()).toBe(56);
    expect(builder.fits([{ role: 'user', content: 'c'.repeat(160) }])).toBe(true); // 56 + 44 = 100
    expect(builder.fits([{ role: 'user', content: 'c'.repeat(164) }])).toBe(false); // 56 + 45
    builder.tokenScale = 2;
    expect(builder.estimatePromptTokens()).toBe(112);
    expect(builder.fits()).toBe(false);
    expect(() => {
      builder.tokenScale = 0;
    }).toThrow(ConfigError);
  });

  it('never drops the current turn, and refuses a budget that cannot hold the system message', () => {
    const builder = new PromptBuilder({ instructions: 'x', maxPromptTokens: 30 });
    builder.beginTurn({ observationText: 'a very long observation '.repeat(20) });
    builder.messages();
    builder.beginTurn({ observationText: 'another very long observation '.repeat(20) });
    const messages = builder.messages();
    expect(messages).toHaveLength(2);
    expect(messages[1]!.content).toMatch(/^\(1 earlier step omitted\)\n\nObservation:\nanother/);
    expect(() => new PromptBuilder({ instructions: 'x'.repeat(400), maxPromptTokens: 50 })).toThrow(ConfigError);
    expect(() => new PromptBuilder({ instructions: 'x', maxPromptTokens: 50, fixedTokens: 60 })).toThrow(/does not even hold the system message and tools/);
  });
});
