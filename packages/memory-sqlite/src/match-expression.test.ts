// Tests of the FTS5 MATCH expression builder: words quoted and OR-ed, syntax neutralised, limits.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { matchExpression, matchExpressionWordLimit, matchWords } from './match-expression.js';

describe('matchExpression', () => {
  it('quotes each distinct word, lower-cased, and joins them with OR', () => {
    expect(matchExpression('Red key, red DOOR!')).toBe('"red" OR "key" OR "door"');
    expect(matchExpression('café Zoë 42')).toBe('"café" OR "zoë" OR "42"');
  });

  it('turns FTS5 operators and syntax into plain words or drops them', () => {
    expect(matchExpression('door NEAR(key, 2) AND NOT "lamp" OR text:* -box ^rug (a')).toBe(
      '"door" OR "near" OR "key" OR "2" OR "and" OR "not" OR "lamp" OR "or" OR "text" OR "box" OR "rug" OR "a"',
    );
  });

  it('keeps combining marks in their word and adds the compatibility form of a word after it', () => {
    expect(matchWords('x\u0301yz cafe\u0301')).toEqual(['x\u0301yz', 'café']);
    expect(matchWords('Ａｐｐｌｅ ﬁne x²')).toEqual(['ａｐｐｌｅ', 'apple', 'ﬁne', 'fine', 'x²', 'x2']);
    expect(matchWords('\u0301 \u0301\u0301')).toEqual([]);
  });

  it('gives undefined for text without words, so the caller skips the lexical search', () => {
    for (const text of ['', '   ', '*** -- ()', '"', '^:*']) expect(matchExpression(text), text).toBeUndefined();
  });

  it(`keeps at most ${matchExpressionWordLimit} words`, () => {
    const text = Array.from({ length: 100 }, (_, index) => `w${index}`).join(' ');
    expect(matchExpression(text)!.split(' OR ')).toHaveLength(matchExpressionWordLimit);
  });

  it('always builds an expression FTS5 accepts', () => {
    const database = new Database(':memory:');
    database.exec("CREATE VIRTUAL TABLE t USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2'); INSERT INTO t VALUES ('the door near the key')");
    const search = database.prepare('SELECT rowid FROM t WHERE t MATCH ?');
    const nasty = ['NEAR(door key)', '"unterminated', 'text:door', 'door*', '-door', '(((', 'AND OR NOT', "'; DROP TABLE t; --", '\u0000door', 'ключ двери', '🔑 door', '\u0301door', 'ǅemal ﷺ ①', 'İstanbul'];
    for (const text of nasty) {
      const expression = matchExpression(text);
      if (expression !== undefined) expect(() => search.all(expression), text).not.toThrow();
    }
    expect(search.all(matchExpression('NEAR')!)).toEqual([{ rowid: 1 }]);
    database.close();
  });
});
