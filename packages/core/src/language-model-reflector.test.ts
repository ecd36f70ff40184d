// LanguageModelReflector: the prompt shows the memories and outcome, the answer is parsed
// tolerantly, and the model's failures become warnings, never exceptions.
import { describe, expect, it } from 'vitest';
import { ModelBackendError, type EpisodeOutcome, type MemoryRecord, type ReflectionInput } from '@worldloop/spec';
import { ScriptedLanguageModel } from '@worldloop/testkit';
import { LanguageModelReflector, reflectionResponseSchema } from './language-model-reflector.js';

const memories: MemoryRecord[] = [
  { id: 'm1', kind: 'action-outcome', text: '[reach the goal] jump → refused: expected one of left, right, wait', namespace: 'agent:a', importance: 0.6, createdAt: 1 },
  { id: 'm2', kind: 'action-outcome', text: '[reach the goal] left → reward 0', namespace: 'agent:a', importance: 0.1, createdAt: 2 },
];
const outcome: EpisodeOutcome = { status: 'finished', success: false, totalReward: 0, stepCount: 2, invalidActionCount: 1, terminated: false, truncated: true };
const input: ReflectionInput = { memories, steps: [], outcome, mission: 'reach the goal', namespace: 'agent:a', provenance: { runId: 1, episodeId: 7 } };

describe('LanguageModelReflector', () => {
  it('asks for JSON lessons with the memories and outcome, and links each lesson to them', async () => {
    const model = new ScriptedLanguageModel(() => JSON.stringify({ lessons: [{ text: 'Go right, not left.', importance: 1.5 }, { text: 'In reach the goal, jump is not an action.' }] }));
    const result = await new LanguageModelReflector({ model }).reflect(input);
    expect(model.calls[0]!.responseSchema).toEqual(reflectionResponseSchema);
    const prompt = model.calls[0]!.messages[1]!.content as string;
    expect(prompt).toContain('Task: reach the goal');
    expect(prompt).toContain('- [action-outcome] [reach the goal] left → reward 0');
    expect(prompt).toContain('Outcome: failure after 2 steps (finished, ran out of steps)');
    expect(result.warnings).toEqual([]);
    expect(result.memories).toEqual([
      { kind: 'reflection', text: 'In reach the goal: Go right, not left.', importance: 1, namespace: 'agent:a', provenance: { runId: 1, episodeId: 7 }, links: ['m1', 'm2'], payload: { reflector: 'language-model', model: 'scripted', mission: 'reach the goal' } },
      expect.objectContaining({ text: 'In reach the goal, jump is not an action.', importance: 0.9 }),
    ]);
  });

  it('parses fenced JSON, bare arrays and strings, and leaves out the schema for backends without it', async () => {
    const model = new ScriptedLanguageModel((_request, callIndex) => (callIndex === 0 ? 'Here you go:\n```json\n{"lessons": ["Move right."]}\n```' : 'Lessons: ["Wait less.", {"text": ""}, 3]'), { capabilities: { jsonSchema: false } });
    const reflector = new LanguageModelReflector({ model, defaultImportance: 0.5 });
    const fenced = await reflector.reflect(input);
    const bare = await reflector.reflect(input);
    expect(model.calls[0]!.responseSchema).toBeUndefined();
    expect(fenced.memories.map((memory) => [memory.text, memory.importance])).toEqual([['In reach the goal: Move right.', 0.5]]);
    expect(bare.memories.map((memory) => memory.text)).toEqual(['In reach the goal: Wait less.']);
  });

  it('reads the first lessons in the answer, past an empty draft, reasoning and braces around them', async () => {
    const answers = [
      'I considered {"lessons": []} but settled on {"lessons": ["Go right."]} {as asked}.',
      '<think>Maybe {"lessons": ["Go left."]}</think>Echoing {"kind": "action-outcome"}: {"lessons": [{"text": "Go right.", "importance": 0.8}]}',
      'Nothing new to learn: {"lessons": []}',
    ];
    const model = new ScriptedLanguageModel((_request, callIndex) => answers[callIndex]!);
    const reflector = new LanguageModelReflector({ model });
    const results = [await reflector.reflect(input), await reflector.reflect(input), await reflector.reflect(input)];
    expect(results.map((result) => result.memories.map((memory) => [memory.text, memory.importance]))).toEqual([[['In reach the goal: Go right.', 0.9]], [['In reach the goal: Go right.', 0.8]], []]);
    expect(results.flatMap((result) => result.warnings)).toEqual([]);
  });

  it('warns of an answer with no lessons list: a bracketed aside or a truncated object is not one', async () => {
    const answers = ['See step [3] for the mistake.', 'Here: {"lessons": ["Go right.", "Wait le'];
    const model = new ScriptedLanguageModel((_request, callIndex) => answers[callIndex]!);
    const reflector = new LanguageModelReflector({ model });
    for (const answer of answers) {
      const result = await reflector.reflect(input);
      expect(result.memories).toEqual([]);
      expect(result.warnings).toEqual([`reflection answer was not the expected JSON: ${JSON.stringify(answer)}`]);
    }
  });

  it('turns a model error or an answer that is not JSON into a warning and no reflection', async () => {
    const failing = new ScriptedLanguageModel(() => {
      throw new ModelBackendError('server at http://127.0.0.1:1 refused the connection');
    });
    expect(await new LanguageModelReflector({ model: failing }).reflect(input)).toEqual({ memories: [], warnings: ['reflection model call failed: server at http://127.0.0.1:1 refused the connection'] });
    const rambling = new ScriptedLanguageModel(() => 'I think the agent should go right.');
    const result = await new LanguageModelReflector({ model: rambling }).reflect(input);
    expect(result.memories).toEqual([]);
    expect(result.warnings[0]).toMatch(/^reflection answer was not the expected JSON: "I think/);
  });

  it('keeps at most maxLessons and does not call the model with nothing to reflect on', async () => {
    const model = new ScriptedLanguageModel(() => JSON.stringify({ lessons: ['a', 'b', 'c'] }));
    const reflector = new LanguageModelReflector({ model, maxLessons: 2 });
    expect((await reflector.reflect(input)).memories).toHaveLength(2);
    expect(await reflector.reflect({ memories: [], steps: [], namespace: 'agent:a' })).toEqual({ memories: [], warnings: [] });
    expect(model.calls).toHaveLength(1);
  });
});
