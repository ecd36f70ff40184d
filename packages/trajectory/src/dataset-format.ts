// The contract every export format implements: what its rows are, how they come out of the
// recorded episodes, and what its dataset card says about them. `exportDataset` does the rest.
import type { DatasetSplit } from './dataset-split.js';
import type { ExportSource } from './export-source.js';
import type { ParquetColumn } from './parquet-table-writer.js';

/**
 * One row of an export and the file (split) it goes to: a value, or for JSON Lines formats on a hot
 * path, the line already serialised (it must equal `JSON.stringify` of the row's value).
 */
export type DatasetRow =
  | { readonly split: DatasetSplit; readonly value: Readonly<Record<string, unknown>>; readonly line?: never }
  | { readonly split: DatasetSplit; readonly line: string; readonly value?: never };

/** A file written beside the data files (LLaMA-Factory's `dataset_info.json`). */
export interface CompanionFile {
  readonly path: string;
  /** The file's new text, given its current text (undefined when it does not exist yet). */
  content(existing: string | undefined): string;
}

/** An export format. Rows stream: a format holds at most one episode (or one pair) at a time. */
export interface DatasetFormat {
  /** The name `worldloop export --format` takes (`openai-chat`). */
  readonly name: string;
  /** What a row stands for, in counts and cards. */
  readonly rowUnit: 'episode' | 'step' | 'preference pair';
  /** How rows are stored: JSON Lines, or a flat Parquet table with `columns`. */
  readonly file: { readonly kind: 'jsonl' } | { readonly kind: 'parquet'; readonly columns: readonly ParquetColumn[] };
  /** What the format is and which trainer reads it, for the card (Markdown). */
  readonly description: string;
  /** The fields of a row, for the card (Markdown). */
  readonly schema: string;
  /** The rows of an export, in order. */
  rows(source: ExportSource): Iterable<DatasetRow>;
  /** Files written beside the data files, given them by split (only splits written). */
  companions?(dataFiles: ReadonlyMap<DatasetSplit, string>): readonly CompanionFile[];
}
