// ShareGPT JSONL for LLaMA-Factory: human / observation turns at even positions, gpt / function_call
// at odd ones, ending on the model; tools as a JSON string; a dataset_info.json entry beside the data.
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@worldloop/spec';
import { alternatingTurns, type AlternatingTurn } from './alternating-turns.js';
import { conversationRows } from './conversation-rows.js';
import type { CompanionFile, DatasetFormat } from './dataset-format.js';
import type { DatasetSplit } from './dataset-split.js';
import { argumentsObject, contentText, type EpisodeConversation } from './episode-conversation.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';

/** One turn of a ShareGPT conversation. */
export interface ShareGptTurn {
  readonly from: 'human' | 'gpt' | 'function_call' | 'observation';
  readonly value: string;
}

/** One line of the file. */
export interface ShareGptExample {
  readonly conversations: readonly ShareGptTurn[];
  readonly system: string;
  /** JSON text of `[{"name", "description", "parameters"}]`, or "" when no tool was called. */
  readonly tools: string;
}

/**
 * The example for one conversation, or undefined when it has no model turn. Adjacent messages of
 * one side are one turn (a tool result and the next observation become one `observation` turn;
 * the first message of a turn gives its tag). A reply with tool calls is a `function_call` turn
 * whose value is the JSON of `{"name", "arguments"}` (a list for several calls); its text is left
 * out, as LLaMA-Factory's function turns hold calls only.
 */
export function shareGptExample(conversation: EpisodeConversation): ShareGptExample | undefined {
  const conversations = alternatingTurns(conversation.messages).map(shareGptTurn);
  if (conversations.length === 0) return undefined;
  const system = conversation.messages.find((message) => message.role === 'system');
  return {
    conversations,
    system: system?.content ?? '',
    tools: conversation.tools.length === 0 ? '' : JSON.stringify(conversation.tools.map(({ name, description, parameters }) => ({ name, description, parameters }))),
  };
}

function shareGptTurn(turn: AlternatingTurn): ShareGptTurn {
  if (turn.side === 'in') {
    const first = turn.messages[0]!;
    const value = turn.messages.map((message) => (message.role === 'user' || message.role === 'tool' ? contentText(message.content) : '')).join('\n\n');
    return { from: first.role === 'tool' ? 'observation' : 'human', value };
  }
  const calls = turn.messages.flatMap((message) => (message.role === 'assistant' ? message.toolCalls : []));
  if (calls.length === 0) {
    return { from: 'gpt', value: turn.messages.map((message) => (message.role === 'assistant' ? message.content : '')).join('\n\n') };
  }
  const functions = calls.map((call) => ({ name: call.name, arguments: argumentsObject(call.arguments) }));
  return { from: 'function_call', value: JSON.stringify(functions.length === 1 ? functions[0] : functions) };
}

/** The dataset_info.json entry LLaMA-Factory needs for a ShareGPT file with tools. */
export function shareGptDatasetInfo(fileName: string): Record<string, unknown> {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system', tools: 'tools' },
    tags: {
      role_tag: 'from',
      content_tag: 'value',
      user_tag: 'human',
      assistant_tag: 'gpt',
      observation_tag: 'observation',
      function_tag: 'function_call',
      system_tag: 'system',
    },
  };
}

/** The dataset name of a file in dataset_info.json: its name without extension (`grid.validation.jsonl` → `grid_validation`). */
export function shareGptDatasetName(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_-]+/g, '_');
}

/** `dataset_info.json` beside the data: existing entries kept, this export's entries added or replaced. */
function datasetInfoFile(dataFiles: ReadonlyMap<DatasetSplit, string>): CompanionFile {
  const paths = [...dataFiles.values()];
  const path = join(dirname(paths[0]!), 'dataset_info.json');
  return {
    path,
    content(existing) {
      let entries: Record<string, unknown> = {};
      if (existing !== undefined && existing.trim() !== '') {
        try {
          entries = JSON.parse(existing) as Record<string, unknown>;
        } catch (error) {
          throw new ConfigError(`${path} exists but is not JSON (${(error as Error).message}); fix or remove it, LLaMA-Factory reads it too.`, { cause: error });
        }
        if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new ConfigError(`${path} exists but is not a JSON object of datasets; fix or remove it.`);
      }
      for (const dataPath of paths) entries[shareGptDatasetName(dataPath)] = shareGptDatasetInfo(basename(dataPath));
      return `${JSON.stringify(entries, null, 2)}\n`;
    },
  };
}

/** The `sharegpt` format. */
export const shareGptFormat: DatasetFormat = {
  name: 'sharegpt',
  rowUnit: 'episode',
  file: { kind: 'jsonl' },
  description: [
    "LLaMA-Factory's ShareGPT format with tools (JSON Lines, one conversation per episode). `dataset_info.json` beside the",
    'file gets an entry per file (named after the file: `grid.jsonl` → `grid`, `grid.validation.jsonl` → `grid_validation`);',
    'copy both into LLaMA-Factory\'s `data/` directory (or point `dataset_dir` here) and train with `dataset: grid`.',
    'Turns alternate strictly: `human` or `observation` at even positions (0, 2, ...), `gpt` or `function_call` at odd',
    'ones, ending on the model. LLaMA-Factory trains on every model turn: refused replies, and replies whose action was',
    'replaced by a guard, are kept (use `openai-chat` or `agentgym`, whose weights or loss flags mask them, to leave them out).',
  ].join('\n'),
  schema: [
    '- `conversations`: list of `{"from": "human" | "gpt" | "function_call" | "observation", "value": string}`',
    '  - `function_call` value: JSON text of `{"name", "arguments": object}`, or a list of them for several calls',
    '  - `observation` value: tool results, then the next observation when it follows, joined by blank lines',
    '- `system`: string, the system prompt',
    '- `tools`: string holding JSON `[{"name", "description", "parameters": JSON Schema}]`, or "" when no tool was called',
  ].join('\n'),
  rows: (source) => conversationRows(source, (conversation) => shareGptExample(conversation) as Record<string, unknown> | undefined),
  companions: (dataFiles) => [datasetInfoFile(dataFiles)],
};

/** Exports the selected episodes as LLaMA-Factory ShareGPT JSONL plus dataset_info.json (see {@link shareGptFormat}). */
export function exportShareGpt(options: ExportOptions): ExportResult {
  return exportDataset(shareGptFormat, options);
}
