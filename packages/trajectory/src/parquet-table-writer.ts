// Writes a flat Parquet table row by row with hyparquet-writer, one row group per 10,000 rows, so
// memory stays flat in the number of rows. INT64 columns take numbers (written as BigInt).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ParquetWriter, schemaFromColumnData, type BasicType } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer';

/** One column of a flat table. */
export interface ParquetColumn {
  readonly name: string;
  /** STRING, JSON (takes a JSON value, stored as its JSON text), INT32, INT64, DOUBLE or BOOLEAN. */
  readonly type: Extract<BasicType, 'STRING' | 'JSON' | 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN'>;
  /** Whether the column may hold null (default false). */
  readonly nullable?: boolean;
  /** What the column holds, for dataset cards. */
  readonly description: string;
}

/** Rows buffered per row group. */
const rowGroupRows = 10_000;

/** A Parquet file being written. Rows are objects keyed by column name. */
export class ParquetTableWriter {
  readonly path: string;
  /** Rows written so far. */
  rows = 0;
  readonly #columns: readonly ParquetColumn[];
  readonly #writer: ParquetWriter;
  #buffers: unknown[][];

  /** Creates the file (and its directory); throws an Error when it exists and `overwrite` is false. */
  constructor(path: string, columns: readonly ParquetColumn[], overwrite: boolean) {
    if (!overwrite && existsSync(path)) throw Object.assign(new Error(`EEXIST: file already exists, open '${path}'`), { code: 'EEXIST' });
    mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.#columns = columns;
    this.#buffers = columns.map(() => []);
    const schema = schemaFromColumnData({
      columnData: columns.map((column) => ({ name: column.name, data: [], type: column.type, nullable: column.nullable ?? false })),
    });
    this.#writer = new ParquetWriter({ writer: fileWriter(path), schema, createdBy: 'worldloop' });
  }

  /** Appends one row; a missing field is null. */
  write(row: Readonly<Record<string, unknown>>): void {
    this.#columns.forEach((column, index) => {
      const value = row[column.name] ?? null;
      this.#buffers[index]!.push(column.type === 'INT64' && typeof value === 'number' ? BigInt(value) : value);
    });
    this.rows++;
    if (this.#buffers[0]!.length >= rowGroupRows) this.#flush();
  }

  /** Writes the last row group and the footer. */
  close(): void {
    this.#flush();
    void this.#writer.finish();
  }

  #flush(): void {
    const count = this.#buffers[0]?.length ?? 0;
    if (count === 0) return;
    void this.#writer.write({
      columnData: this.#columns.map((column, index) => ({ name: column.name, data: this.#buffers[index]!, type: column.type, nullable: column.nullable ?? false })),
      rowGroupSize: count,
    });
    this.#buffers = this.#columns.map(() => []);
  }
}
