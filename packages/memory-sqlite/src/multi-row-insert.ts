// An INSERT of many rows per statement: a write batch's rows go in statements of up to 64 rows
// (`INSERT … VALUES (…), (…), …`) rather than one statement per row, which saves each row's trip
// from JS into SQLite and back (about 5 µs of the ~30 µs SQLite spends per memory).
import type Database from 'better-sqlite3';

/** Rows per statement: the most a batch's full statements hold (64 × 12 columns stays far below SQLite's 32,766 parameters). */
const rowsPerStatement = 64;

/**
 * Inserts rows given as one flat list of values, `columnCount` per row, in statements of up to
 * 64 rows; statements are prepared once per row count and reused. Runs inside the caller's
 * transaction (it opens none).
 */
export class MultiRowInsert {
  readonly #database: Database.Database;
  readonly #head: string;
  readonly #row: string;
  readonly #columnCount: number;
  readonly #statements = new Map<number, Database.Statement>();

  /**
   * @param head - the statement up to `VALUES`, e.g. `INSERT INTO t (a, b)`.
   * @param row - one row's values, e.g. `(?, ?)`, with `columnCount` parameters.
   */
  constructor(database: Database.Database, head: string, row: string, columnCount: number) {
    this.#database = database;
    this.#head = head;
    this.#row = row;
    this.#columnCount = columnCount;
  }

  /** Inserts `values.length / columnCount` rows, in order. */
  run(values: readonly unknown[]): void {
    const rowCount = values.length / this.#columnCount;
    for (let first = 0; first < rowCount; first += rowsPerStatement) {
      const count = Math.min(rowsPerStatement, rowCount - first);
      this.#statement(count).run(values.slice(first * this.#columnCount, (first + count) * this.#columnCount));
    }
  }

  #statement(rowCount: number): Database.Statement {
    let statement = this.#statements.get(rowCount);
    if (statement === undefined) {
      statement = this.#database.prepare(`${this.#head} VALUES ${Array.from({ length: rowCount }, () => this.#row).join(', ')}`);
      this.#statements.set(rowCount, statement);
    }
    return statement;
  }
}
