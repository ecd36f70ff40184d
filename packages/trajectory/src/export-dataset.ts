// Runs one export: checks the output paths, opens the database read-only, streams a format's rows
// into the train (and validation) files, then writes a dataset card beside each file. Memory stays
// flat in the number of steps; files are removed again when the export fails half-way.
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, WorldloopError } from '@worldloop/spec';
import { datasetCard } from './dataset-card.js';
import type { DatasetFormat } from './dataset-format.js';
import { requireValidationFraction, type DatasetSplit } from './dataset-split.js';
import { describeFilter, episodeSelection, type ExportFilter } from './export-filter.js';
import { ExportSource, type SplitCounts } from './export-source.js';
import { JsonlFileWriter } from './jsonl-file-writer.js';
import { ParquetTableWriter } from './parquet-table-writer.js';
import { TrajectoryReader } from './trajectory-reader.js';

/** What to export, from where, to where. */
export interface ExportOptions {
  /** The trajectory database (`.worldloop/worldloop.db`). */
  readonly databasePath: string;
  /** The train file (`data/grid.jsonl`); the validation file gets `.validation` before the extension. */
  readonly outputPath: string;
  readonly filter?: ExportFilter;
  /** Share of tasks written to the validation file (default 0: one file, no split). */
  readonly validationFraction?: number;
  /** Replace output files that exist (default false: refuse them). */
  readonly overwrite?: boolean;
  /** The date written in cards (for deterministic tests). */
  readonly now?: () => Date;
}

/** One data file written, with its card. */
export interface ExportedFile {
  readonly split: DatasetSplit;
  readonly path: string;
  readonly cardPath: string;
  readonly rows: number;
}

/** What an export wrote. */
export interface ExportResult {
  readonly format: string;
  readonly files: readonly ExportedFile[];
  /** Files written beside the data (LLaMA-Factory's `dataset_info.json`). */
  readonly companionPaths: readonly string[];
  /** Episodes, steps and successes taken, by split. */
  readonly counts: Readonly<Record<DatasetSplit, Readonly<SplitCounts>>>;
  /** Set when nothing was exported: the files are empty and the cards say why. */
  readonly warning?: string;
}

/**
 * Exports the episodes `options.filter` selects in `format`. Throws ConfigError for bad options
 * and for output files that exist (unless `overwrite`), StoreError for a database that cannot be
 * read (missing, not a trajectory database, written by a newer worldloop).
 */
export function exportDataset(format: DatasetFormat, options: ExportOptions): ExportResult {
  const validationFraction = options.validationFraction ?? 0;
  requireValidationFraction(validationFraction);
  const filter = options.filter ?? {};
  episodeSelection(filter); // refuses a bad filter before any file is touched
  const splits: DatasetSplit[] = validationFraction > 0 ? ['train', 'validation'] : ['train'];
  const dataPaths = new Map<DatasetSplit, string>(splits.map((split) => [split, split === 'train' ? options.outputPath : validationPath(options.outputPath)]));
  const cardPaths = new Map<DatasetSplit, string>(splits.map((split) => [split, cardPath(dataPaths.get(split)!)]));
  if (new Set([...dataPaths.values(), ...cardPaths.values()]).size < splits.length * 2) {
    throw new ConfigError(`The output path ${options.outputPath} would put a data file and a card on the same file; give --out a file name with an extension, e.g. data.jsonl.`);
  }
  const companions = format.companions?.(dataPaths) ?? [];
  // Writing over the database (or its WAL) would destroy what is being read, --force or not.
  const database = realPath(options.databasePath);
  for (const path of [...dataPaths.values(), ...cardPaths.values(), ...companions.map((companion) => companion.path)]) {
    if ([database, `${database}-wal`, `${database}-shm`].includes(realPath(path))) {
      throw new ConfigError(`${path} is the trajectory database being exported (${options.databasePath}); choose another --out.`);
    }
  }
  if (options.overwrite !== true) {
    for (const path of [...dataPaths.values(), ...cardPaths.values()]) {
      if (existsSync(path)) throw new ConfigError(`${path} already exists; pass --force (overwrite: true) to replace it, or choose another --out.`);
    }
  }

  const reader = TrajectoryReader.open(options.databasePath);
  const created: string[] = [];
  try {
    const source = new ExportSource(reader, filter, validationFraction);
    const sinks = new Map<DatasetSplit, Sink>();
    for (const [split, path] of dataPaths) {
      const sink = openSink(format, path, options.overwrite === true);
      created.push(path);
      sinks.set(split, sink);
    }
    const rows: Record<DatasetSplit, number> = { train: 0, validation: 0 };
    for (const row of format.rows(source)) {
      const sink = sinks.get(row.split)!;
      if (row.line !== undefined) sink.writeLine(row.line);
      else sink.write(row.value);
      rows[row.split]++;
    }
    for (const sink of sinks.values()) sink.close();

    const companionPaths: string[] = [];
    for (const companion of companions) {
      const existing = existsSync(companion.path) ? readFileSync(companion.path, 'utf8') : undefined;
      writeFileSync(companion.path, companion.content(existing));
      companionPaths.push(companion.path);
    }
    const total = rows.train + rows.validation;
    const warning =
      total > 0
        ? undefined
        : !anyEpisode(reader, filter)
          ? `No episodes matched the filters (${[...baseSelection, ...describeFilter(filter)].join('; ')}); wrote empty files and cards saying so.`
          : `The selected episodes gave no ${format.rowUnit}s${format.rowUnit === 'preference pair' ? ' (a pair needs a successful and a failed episode of one task: same environment, seed and mission)' : ''}; wrote empty files and cards saying so.`;
    const files = splits.map((split) => ({ split, path: dataPaths.get(split)!, cardPath: cardPaths.get(split)!, rows: rows[split] }));
    const runs = reader.runs(source.runIds);
    for (const file of files) {
      writeFileSync(
        file.cardPath,
        datasetCard({ format, file, files, source, runs, databasePath: options.databasePath, date: (options.now ?? (() => new Date()))(), ...(warning ? { warning } : {}) }),
        { flag: options.overwrite === true ? 'w' : 'wx' },
      );
      created.push(file.cardPath);
    }
    return { format: format.name, files, companionPaths, counts: source.counts, ...(warning ? { warning } : {}) };
  } catch (error) {
    for (const path of created) rmSync(path, { force: true });
    if (error instanceof WorldloopError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConfigError(`An output file appeared while exporting (${(error as Error).message}); pass --force to replace it.`, { cause: error });
    }
    throw error;
  } finally {
    reader.close();
  }
}

/** Whether the filter selects at least one episode. */
function anyEpisode(reader: TrajectoryReader, filter: ExportFilter): boolean {
  const episodes = reader.episodes(filter);
  const first = episodes.next();
  episodes.return();
  return first.done !== true;
}

/** What every export takes before any filter, in the card's and the warning's words. */
export const baseSelection = ['finished episodes only', 'the latest attempt of each resumed episode'];

/** The validation file beside `path`: `.validation` before the extension (`grid.validation.jsonl`). */
export function validationPath(path: string): string {
  const match = /^(.*[^/])(\.[^./]+)$/.exec(path);
  return match === null ? `${path}.validation` : `${match[1]}.validation${match[2]}`;
}

/** The card beside a data file: the extension replaced by `.md` (`grid.jsonl` → `grid.md`). */
export function cardPath(path: string): string {
  const match = /^(.*[^/])(\.[^./]+)$/.exec(path);
  return `${match === null ? path : match[1]}.md`;
}

/** Where the rows of one file go. */
interface Sink {
  write(value: unknown): void;
  /** A row serialised by the format (JSON Lines only). */
  writeLine(line: string): void;
  close(): void;
}

function openSink(format: DatasetFormat, path: string, overwrite: boolean): Sink {
  try {
    if (format.file.kind === 'parquet') {
      const table = new ParquetTableWriter(path, format.file.columns, overwrite);
      return {
        write: (value) => table.write(value as Record<string, unknown>),
        writeLine: () => {
          throw new Error(`format ${format.name} gave a serialised line for a Parquet file; give values`);
        },
        close: () => table.close(),
      };
    }
    return new JsonlFileWriter(path, overwrite);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigError(`${path} already exists; pass --force (overwrite: true) to replace it, or choose another --out.`, { cause: error });
    throw new ConfigError(`Cannot create the output file ${path}: ${(error as Error).message}; check the directory exists and is writable.`, { cause: error });
  }
}

/** The absolute path of `path` with symbolic links resolved, as far as it exists. */
function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // Not there (yet): its folder may still be a link.
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}
