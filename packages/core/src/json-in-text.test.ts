// The balanced JSON scan shared by the tool-call parser and the language world model: whole values in
// prose, strings with brackets, several values in a row, truncation and deep nesting.
import { describe, expect, it } from 'vitest';
import { extractJsonValue, findJsonValues } from './json-in-text.js';

const values = (text: string): unknown[] => [...findJsonValues(text)].map((found) => found.value);

describe('findJsonValues', () => {
  it('finds each whole value in order, passing over prose braces and brackets that are not JSON', () => {
    expect(values('I weighed {left, right} [sic]; answer: {"a": 1} then [2, {"b": "}"}] and {"c": true} }')).toEqual([{ a: 1 }, [2, { b: '}' }], { c: true }]);
  });

  it('reports where each value lies, and yields values nested in one that parsed only as part of it', () => {
    const text = 'x {"outer": {"inner": 1}} y';
    expect([...findJsonValues(text)]).toEqual([{ value: { outer: { inner: 1 } }, start: 2, end: text.length - 2 }]);
  });

  it('still finds JSON inside a bracketed span that is not JSON', () => {
    expect(values('{note: {"a": 1}}')).toEqual([{ a: 1 }]);
  });

  it('honours strings and escapes', () => {
    expect(values('{"say": "a \\"quoted\\" {brace"} {"next": 2}')).toEqual([{ say: 'a "quoted" {brace' }, { next: 2 }]);
  });

  it('forgives trailing commas and says so, but does not repair a truncated value', () => {
    expect([...findJsonValues('{"a": [1, 2,],}')]).toEqual([{ value: { a: [1, 2] }, start: 0, end: 15, repair: 'repaired (trailing commas removed)' }]);
    expect(values('{"a": 1} {"b": [1, 2')).toEqual([{ a: 1 }]);
  });

  it('is lazy: a caller that stops at the first value scans no further', () => {
    const iterator = findJsonValues('{"a": 1} {"b": 2}');
    expect(iterator.next().value).toMatchObject({ value: { a: 1 } });
    expect(iterator.return(undefined).done).toBe(true);
  });

  it('skips values nested deeper than the cap, without overflowing the stack, and goes on after them', () => {
    const depth = 20_000;
    expect(values('['.repeat(depth) + ']'.repeat(depth) + ' {"after": 1}')).toEqual([{ after: 1 }]);
    expect(values('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))).toEqual([]);
    expect(values('{'.repeat(depth))).toEqual([]);
  });
});

describe('extractJsonValue', () => {
  it('repairs a value truncated at the end of the text', () => {
    expect(extractJsonValue('call {"a": [1, 2', 5)).toEqual({ value: { a: [1, 2] }, start: 5, end: 16, repair: 'truncated; repaired by closing with "]}"' });
  });
});
