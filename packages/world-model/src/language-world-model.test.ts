// The language world model: structured predictions parsed from recorded answers, malformed answers
// counted as low-confidence predictions (never thrown), the schema and few-shot examples it sends.
import { ModelBackendError, type Observation, type Transition } from '@worldloop/spec';
import { RecordedLanguageModel, ScriptedLanguageModel, generateResult } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { LanguageWorldModel, predictionSchema } from './language-world-model.js';

const here: Observation = { text: 'You are at cell 1 of 5; the goal is at cell 4.', mission: 'reach the goal', validActions: ['left', 'right', 'wait'] };
const example: Transition<Observation, string> = {
  state: { text: 'You are at cell 2 of 5; the goal is at cell 4.' },
  action: 'right',
  nextState: { text: 'You are at cell 3 of 5; the goal is at cell 4.' },
  reward: 0,
  terminated: false,
  truncated: false,
};

describe('LanguageWorldModel', () => {
  it('parses structured predictions from recorded answers', async () => {
    const model = new RecordedLanguageModel([
      generateResult({ text: '{"observation": "You are at cell 2 of 5; the goal is at cell 4.", "reward": 0, "terminated": false, "confidence": 0.8}' }),
      generateResult({ text: 'Sure! ```json\n{"observation": "You are at cell 0 of 5; the goal is at cell 4.", "reward": 0, "terminated": false}\n```' }),
    ]);
    const world = new LanguageWorldModel({ model });
    expect(world.name).toBe('language:recorded');
    expect(await world.predict(here, 'right')).toEqual({ observationText: 'You are at cell 2 of 5; the goal is at cell 4.', reward: 0, terminated: false, confidence: 0.8 });
    const imagined = await world.imagine(here, 'left');
    expect(imagined.prediction).toEqual({ observationText: 'You are at cell 0 of 5; the goal is at cell 4.', reward: 0, terminated: false, confidence: 0.5 });
    expect(imagined.nextState).toEqual({ text: 'You are at cell 0 of 5; the goal is at cell 4.', mission: 'reach the goal', validActions: ['left', 'right', 'wait'] });
    expect(world.statistics).toEqual({ predictions: 2, malformed: 0 });
  });

  it('counts malformed answers as low-confidence predictions, never as errors', async () => {
    const answers = [
      'I think you move right.',
      '{"observation": "cell 2", "reward": "zero", "terminated": false}',
      '{"observation": "cell 2", "reward": 0}',
      '[1, 2, 3]',
      '{"observation": 7, "reward": 0, "terminated": false}',
      '{"observation": "cell 2", "reward": 0, "terminated": false, "confidence": 3}',
      '{"observation": "cell 2", "reward": 0, "terminated": fa',
    ];
    const world = new LanguageWorldModel({ model: new RecordedLanguageModel(answers.map((text) => generateResult({ text }))), malformedConfidence: 0.05 });
    for (let index = 0; index < answers.length; index++) {
      const imagined = await world.imagine(here, 'right');
      expect(imagined.prediction).toEqual({ confidence: 0.05 });
      expect(imagined.nextState).toBe(here);
      expect(imagined.evidence).toBe(0);
    }
    expect(world.statistics).toEqual({ predictions: answers.length, malformed: answers.length });
  });

  it('finds the prediction in replies with prose, fences, other JSON and braces around it', async () => {
    const prediction = '{"observation": "You are at cell 2 of 5; the goal is at cell 4.", "reward": 0, "terminated": false, "confidence": 0.9}';
    const replies = [
      // Prose with braces before the JSON.
      `Moving right from {cell 1} means:\n${prediction}`,
      // A JSON echo of the question first, then the prediction.
      `{"action": "right"}\n${prediction}`,
      // Two predictions: the first one counts.
      `${prediction}\n{"observation": "You are at cell 3 of 5; the goal is at cell 4.", "reward": 0, "terminated": false}`,
      // A remark with a brace after the JSON.
      `${prediction}\n(I assumed the line has no walls, i.e. {} obstacles.)`,
      // A fenced block followed by text that closes a brace.
      `\`\`\`json\n${prediction}\n\`\`\`\nThat is all }`,
      // A draft inside <think> is reasoning, not the answer.
      `<think>Maybe {"observation": "You are at cell 0 of 5.", "reward": 0, "terminated": false}? No: right moves right.</think>\n${prediction}`,
      // Braces inside the observation's string.
      prediction.replace('cell 4.', 'cell 4 {marked G}.') + ' }',
    ];
    const world = new LanguageWorldModel({ model: new RecordedLanguageModel(replies.map((text) => generateResult({ text }))) });
    for (const reply of replies) {
      const expected = reply.includes('{marked G}') ? 'You are at cell 2 of 5; the goal is at cell 4 {marked G}.' : 'You are at cell 2 of 5; the goal is at cell 4.';
      expect(await world.predict(here, 'right'), reply).toEqual({ observationText: expected, reward: 0, terminated: false, confidence: 0.9 });
    }
    expect(world.statistics).toEqual({ predictions: replies.length, malformed: 0 });
  });

  it('counts replies whose JSON objects all lack the prediction shape, or are cut off or nested too deeply, as malformed', async () => {
    const answers = [
      'Either {"observation": "cell 2", "reward": 0} or {"observation": "cell 0", "terminated": false}.',
      'Here: {not json} then {"observation": "cell 2", "reward": 0, "terminated": fa',
      '<think>{"observation": "cell 2", "reward": 0, "terminated": false}</think> I cannot tell.',
      '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
      '{'.repeat(5_000),
    ];
    const world = new LanguageWorldModel({ model: new RecordedLanguageModel(answers.map((text) => generateResult({ text }))) });
    for (const answer of answers) expect(await world.predict(here, 'right'), answer.slice(0, 60)).toEqual({ confidence: 0 });
    expect(world.statistics).toEqual({ predictions: answers.length, malformed: answers.length });
  });

  it('lets backend failures through as they are', async () => {
    const world = new LanguageWorldModel({ model: new RecordedLanguageModel([]) });
    await expect(world.predict(here, 'right')).rejects.toBeInstanceOf(ModelBackendError);
  });

  it('asks with the JSON schema, temperature 0, examples first and the question last', async () => {
    const model = new ScriptedLanguageModel(() => '{"observation": "x", "reward": 0, "terminated": false}');
    const world = new LanguageWorldModel({ model, examples: [example] });
    await world.predict(here, 'right');
    const request = model.calls[0]!;
    expect(request.responseSchema).toBe(predictionSchema);
    expect(request.sampling).toMatchObject({ temperature: 0 });
    expect(request.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(request.messages[1]!.content).toContain('You are at cell 2 of 5');
    expect(JSON.parse(request.messages[2]!.content as string)).toEqual({ observation: 'You are at cell 3 of 5; the goal is at cell 4.', reward: 0, terminated: false, confidence: 1 });
    expect(request.messages[3]!.content).toBe(`Observation:\n${here.text}\n\nAction: right\n\nWhat happens next?`);
  });

  it('keeps the given examples and the most recent real transitions as examples', async () => {
    const model = new ScriptedLanguageModel(() => '{"observation": "x", "reward": 0, "terminated": false}');
    const world = new LanguageWorldModel({ model, examples: [example], maxExamples: 3 });
    for (const action of ['a', 'b', 'c']) world.update({ ...example, action });
    const messages = world.messages(here, 'right');
    expect(messages.filter((message) => message.role === 'user').map((message) => (message.content as string).match(/Action: (\w+)/)![1])).toEqual(['right', 'b', 'c', 'right']);
    const fixed = new LanguageWorldModel({ model, examples: [example], maxExamples: 1 });
    fixed.update({ ...example, action: 'z' });
    expect(fixed.messages(here, 'right')).toHaveLength(4);
  });
});
