// Benchmark (not a test): how much of each LlmPolicy prompt a model server could serve from its
// prefix (KV) cache, over a 30-step gridworld episode played by a scripted model that says the
// expert's actions. Prompts are rendered with a ChatML (Qwen 2.5 style) template before comparing.
// Run: pnpm tsx bench/prefix-reuse.bench.ts
import { Agent, LlmPolicy, ToolRegistry, defineTool, estimateTokensByCharacters, type ActionMode } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { ChatMessage, Environment, GenerateRequest, GenerateResult, StepRecord, ToolDefinition } from '@worldloop/spec';
import { ScriptedLanguageModel, generateResult, type ScriptedAnswer } from '@worldloop/testkit';
import { z } from 'zod';

const STEPS = 30;

interface Scenario {
  readonly name: string;
  readonly environmentId: string;
  readonly seed: number;
  readonly mode: ActionMode;
  /** Show the map (the observation's labelled part) in the volatile tail. */
  readonly showObservationParts: boolean;
  /** Every 5th step starts with a tool call, every 7th with an invalid action. */
  readonly detours: boolean;
}

/** ChatML as Qwen 2.5's template writes it: tools in the system turn, tool results as user turns. */
function renderChatMl(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] | undefined): string {
  let text = '';
  for (const message of messages) {
    const content = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
    if (message.role === 'system') {
      const toolBlock = tools && tools.length > 0 ? `\n\n# Tools\n\n<tools>\n${tools.map((tool) => JSON.stringify({ type: 'function', function: tool })).join('\n')}\n</tools>` : '';
      text += `<|im_start|>system\n${content}${toolBlock}<|im_end|>\n`;
    } else if (message.role === 'assistant') {
      const calls = (message.toolCalls ?? []).map((call) => `\n<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`).join('');
      text += `<|im_start|>assistant\n${content}${calls}<|im_end|>\n`;
    } else if (message.role === 'tool') {
      text += `<|im_start|>user\n<tool_response>\n${content}\n</tool_response><|im_end|>\n`;
    } else {
      text += `<|im_start|>user\n${content}<|im_end|>\n`;
    }
  }
  return `${text}<|im_start|>assistant\n`;
}

function renderReply(result: GenerateResult): string {
  const calls = result.toolCalls.map((call) => `\n<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`).join('');
  return `${result.text}${calls}<|im_end|>\n`;
}

function commonPrefixLength(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  let index = 0;
  while (index < length && left.charCodeAt(index) === right.charCodeAt(index)) index++;
  return index;
}

/** The expert's action, said in the scenario's mode, with the scenario's detours. */
function expertModel(environment: Environment, scenario: Scenario): ScriptedLanguageModel {
  let lastStep = -1;
  return new ScriptedLanguageModel((request: GenerateRequest, callIndex: number): ScriptedAnswer => {
    const opening = request.messages.filter((message) => message.role === 'user' && typeof message.content === 'string' && message.content.includes('Observation:')).length;
    const step = opening - 1;
    const firstOfStep = step !== lastStep;
    lastStep = step;
    if (scenario.detours && firstOfStep && step > 0 && step % 5 === 0) {
      return scenario.mode === 'text'
        ? 'Thought: let me check my heading.\n<tool_call>{"name": "compass", "arguments": {}}</tool_call>'
        : generateResult({ text: 'Let me check my heading.', toolCalls: [{ id: `call-${callIndex}`, name: 'compass', arguments: {} }] });
    }
    if (scenario.detours && firstOfStep && step > 0 && step % 7 === 0) {
      return scenario.mode === 'text' ? 'Thought: up and away.\nAction: fly' : generateResult({ text: 'Up and away.', toolCalls: [{ id: `call-${callIndex}`, name: 'act', arguments: { action: 'fly' } }] });
    }
    const action = environment.expertAction!() as string;
    return scenario.mode === 'text'
      ? `Thought: the target is not reached yet; I follow my route.\nAction: ${action}`
      : generateResult({ text: 'The target is not reached yet; I follow my route.', toolCalls: [{ id: `call-${callIndex}`, name: 'act', arguments: { action } }] });
  });
}

/** A seed whose expert episode lasts at least STEPS steps, so the capped episode is exactly STEPS long. */
async function longSeed(environmentId: string): Promise<number> {
  const spec = gridworldEnvironments.find((candidate) => candidate.id === environmentId)!;
  for (let seed = 1; ; seed++) {
    const environment = spec.create();
    await environment.reset({ seed });
    let steps = 0;
    for (let action = environment.expertAction!(); action !== undefined && steps < STEPS; action = environment.expertAction!()) {
      const result = await environment.step(action);
      steps++;
      if (result.terminated || result.truncated) break;
    }
    if (steps >= STEPS) return seed;
  }
}

interface Figures {
  readonly steps: number;
  readonly calls: number;
  /** Mean over steps 1.. of shared prefix / prompt, against the previous step's (last) prompt. */
  readonly stepCharacters: number;
  readonly stepTokens: number;
  /** Σ shared / Σ prompt, same comparison. */
  readonly stepWeighted: number;
  /** Mean over calls 1.. of shared prefix / prompt, against the previous call's prompt plus its reply (what a server holds). */
  readonly callCharacters: number;
  readonly callWeighted: number;
  readonly meanPromptCharacters: number;
  readonly lastPromptTokens: number;
}

async function measure(scenario: Scenario): Promise<Figures> {
  const spec = gridworldEnvironments.find((candidate) => candidate.id === scenario.environmentId)!;
  const environment = spec.create();
  const model = expertModel(environment, scenario);
  const compass = defineTool({ name: 'compass', description: 'Tells which way you face.', inputSchema: z.object({}), execute: () => ({ heading: 'north' }) });
  const agent = new Agent({
    policy: new LlmPolicy({ model, actionMode: scenario.mode, showObservationParts: scenario.showObservationParts }),
    tools: new ToolRegistry([compass]),
  });
  const steps: StepRecord[] = [];
  agent.events.on('step-end', ({ step }) => steps.push(step));
  await agent.runEpisode(environment, { seed: scenario.seed, maxSteps: STEPS });

  const tools = model.calls[0]!.tools;
  const rendered = steps.map((step) => step.modelCalls.map((call) => renderChatMl(call.messages, tools)));
  const stepRatios: { characters: number; tokens: number }[] = [];
  let stepShared = 0;
  let stepTotal = 0;
  for (let index = 1; index < rendered.length; index++) {
    const previous = rendered[index - 1]!.at(-1)!;
    const current = rendered[index]![0]!;
    const shared = commonPrefixLength(previous, current);
    stepRatios.push({ characters: shared / current.length, tokens: estimateTokensByCharacters(current.slice(0, shared)) / estimateTokensByCharacters(current) });
    stepShared += shared;
    stepTotal += current.length;
  }
  const calls = steps.flatMap((step, stepIndex) => step.modelCalls.map((call, callIndex) => ({ prompt: rendered[stepIndex]![callIndex]!, reply: renderReply(call.result) })));
  const callRatios: number[] = [];
  let callShared = 0;
  let callTotal = 0;
  for (let index = 1; index < calls.length; index++) {
    const cached = calls[index - 1]!.prompt + calls[index - 1]!.reply;
    const current = calls[index]!.prompt;
    const shared = commonPrefixLength(cached, current);
    callRatios.push(shared / current.length);
    callShared += shared;
    callTotal += current.length;
  }
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    steps: steps.length,
    calls: calls.length,
    stepCharacters: mean(stepRatios.map((ratio) => ratio.characters)),
    stepTokens: mean(stepRatios.map((ratio) => ratio.tokens)),
    stepWeighted: stepShared / stepTotal,
    callCharacters: mean(callRatios),
    callWeighted: callShared / callTotal,
    meanPromptCharacters: mean(calls.map((call) => call.prompt.length)),
    lastPromptTokens: estimateTokensByCharacters(calls.at(-1)!.prompt),
  };
}

async function main(): Promise<void> {
  const scenarios: Scenario[] = [];
  for (const environmentId of ['gridworld/GoToObjMaze-v0', 'gridworld/UnlockPickup-v0']) {
    const seed = await longSeed(environmentId);
    for (const mode of ['text', 'native'] as const) {
      const task = environmentId.replace('gridworld/', '');
      scenarios.push({ name: `${task} ${mode} (defaults)`, environmentId, seed, mode, showObservationParts: false, detours: false });
      scenarios.push({ name: `${task} ${mode}, detours`, environmentId, seed, mode, showObservationParts: false, detours: true });
      scenarios.push({ name: `${task} ${mode}, map shown`, environmentId, seed, mode, showObservationParts: true, detours: false });
      scenarios.push({ name: `${task} ${mode}, map shown, detours`, environmentId, seed, mode, showObservationParts: true, detours: true });
    }
  }
  console.log(`LlmPolicy prefix reuse over ${STEPS}-step gridworld episodes (scripted expert model), prompts rendered as ChatML`);
  console.log('step: shared prefix with the previous step\'s prompt / prompt, mean over steps 1..29 (chars, est. tokens) and Σshared/Σprompt');
  console.log('call: shared prefix with the previous call\'s prompt + reply (what a server has cached) / prompt');
  console.log('detours: a tool call at every 5th step, an invalid action (then a retry) at every 7th');
  console.log('map shown: showObservationParts, the map (740 characters in GoToObjMaze, 188 in UnlockPickup) in the volatile tail of every step\n');
  const header = ['scenario', 'seed', 'steps', 'calls', 'step chars', 'step tokens', 'step Σ', 'call chars', 'call Σ', 'mean prompt chars', 'last prompt tokens'];
  const rows: string[][] = [];
  for (const scenario of scenarios) {
    const figures = await measure(scenario);
    rows.push([
      scenario.name,
      String(scenario.seed),
      String(figures.steps),
      String(figures.calls),
      figures.stepCharacters.toFixed(3),
      figures.stepTokens.toFixed(3),
      figures.stepWeighted.toFixed(3),
      figures.callCharacters.toFixed(3),
      figures.callWeighted.toFixed(3),
      Math.round(figures.meanPromptCharacters).toLocaleString('en-US'),
      figures.lastPromptTokens.toLocaleString('en-US'),
    ]);
  }
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

await main();
