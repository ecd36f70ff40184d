// The two formats of a per-step table (transitions, world-model pairs): JSON Lines spliced from
// pieces serialised once (the hot path), and Parquet from row values, with one schema for the card.
import type { DatasetFormat } from './dataset-format.js';
import type { ParquetColumn } from './parquet-table-writer.js';
import { stepTransitions, transitionLines, type StepTransition } from './step-transitions.js';
import type { ExportEpisode } from './trajectory-reader.js';

/** What defines a per-step table. */
export interface StepTableDefinition {
  /** The JSON Lines format's name; the Parquet one is `<name>-parquet`. */
  readonly name: string;
  readonly columns: readonly ParquetColumn[];
  /** What the table is for, for the card. */
  readonly description: string;
  /** The row of a transition; features as objects (JSONL and Parquet) or JSON text. */
  row(transition: StepTransition, featuresAsText: boolean): Record<string, unknown>;
  /** The episode's fields of a line, serialised once per episode (opening brace, trailing comma). */
  episodeFields(episode: ExportEpisode): string;
  /** `JSON.stringify(row(transition, false))`, from the episode prefix and pieces serialised once. */
  line(transition: StepTransition, episodePrefix: string): string;
}

/** The JSON Lines and the Parquet format of a per-step table. */
export function stepTableFormats(table: StepTableDefinition): { readonly jsonl: DatasetFormat; readonly parquet: DatasetFormat } {
  return {
    jsonl: {
      name: table.name,
      rowUnit: 'step',
      file: { kind: 'jsonl' },
      description: `${table.description}\nJSON Lines: \`pandas.read_json(path, lines=True)\` or \`datasets.load_dataset("json", data_files=path)\`.`,
      schema: columnsSchema(table.columns, false),
      rows: (source) => transitionLines(source, table.episodeFields, table.line),
    },
    parquet: {
      name: `${table.name}-parquet`,
      rowUnit: 'step',
      file: { kind: 'parquet', columns: table.columns },
      description: `${table.description}\nParquet (snappy, row groups of 10,000 rows); JSON columns hold JSON text.`,
      schema: columnsSchema(table.columns, true),
      *rows(source) {
        // Features as objects: the Parquet writer serialises JSON columns itself (JSON text would be written as a JSON string).
        for (const transition of stepTransitions(source)) yield { split: transition.split, value: table.row(transition, false) };
      },
    },
  };
}

/** A Markdown list of columns for dataset cards, with Parquet or JSON types. */
export function columnsSchema(columns: readonly ParquetColumn[], parquet: boolean): string {
  return columns
    .map((column) => {
      const type = parquet ? `${column.type}${column.nullable ? ', nullable' : ''}` : jsonType(column);
      return `- \`${column.name}\` (${type}): ${column.description}`;
    })
    .join('\n');
}

function jsonType(column: ParquetColumn): string {
  const base = { STRING: 'string', JSON: 'object', INT32: 'integer', INT64: 'integer', DOUBLE: 'number', BOOLEAN: 'boolean' }[column.type];
  return column.nullable ? `${base} or null` : base;
}
