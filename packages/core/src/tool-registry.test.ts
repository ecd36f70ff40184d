// Tool registry: JSON Schema export, validation before execution, access rules, time limits.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '@worldloop/spec';
import { defineTool } from './define-tool.js';
import { ToolRegistry } from './tool-registry.js';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  inputSchema: z.object({ a: z.number(), b: z.number().default(0) }),
  execute: ({ a, b }) => a + b,
});
const secret = defineTool({
  name: 'read_secret',
  description: 'Reads a secret.',
  inputSchema: z.object({}),
  permissions: ['secrets:read'],
  execute: () => 'hunter2',
});

describe('ToolRegistry', () => {
  it('exports input JSON Schema, with defaulted fields optional', () => {
    const registry = new ToolRegistry([add]);
    const [definition] = registry.definitions();
    expect(definition!.name).toBe('add');
    expect(definition!.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number', default: 0 } }, required: ['a'] });
    expect(definition!.parameters).not.toHaveProperty('$schema');
  });

  it('validates arguments before executing and reports each bad field', async () => {
    let executed = 0;
    const counted = defineTool({ name: 'counted', description: 'd', inputSchema: z.object({ n: z.number().int() }), execute: ({ n }) => ++executed + n });
    const registry = new ToolRegistry([counted]);
    const result = await registry.call('counted', { n: 'three' });
    expect(result.ok).toBe(false);
    expect(executed).toBe(0);
    if (!result.ok) {
      expect(result.error.code).toBe('tool-input');
      expect(result.error.issues?.[0]?.path).toBe('n');
      expect(result.error.message).toMatch(/Invalid arguments for counted: n:/);
    }
  });

  it('parses JSON-string arguments as models send them, and explains bad JSON', async () => {
    const registry = new ToolRegistry([add]);
    expect(await registry.call('add', '{"a": 2, "b": 3}')).toMatchObject({ ok: true, output: 5 });
    const bad = await registry.call('add', '{"a": 2,');
    expect(bad).toMatchObject({ ok: false, error: { code: 'tool-input' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/not valid JSON/);
  });

  it('names the available tools when an unknown one is called', async () => {
    const registry = new ToolRegistry([add, secret]);
    const result = await registry.call('multiply', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'tool-input' } });
    if (!result.ok) expect(result.error.message).toBe('Unknown tool "multiply". Available tools: add, read_secret.');
  });

  it('applies allow and deny lists and permissions', async () => {
    const registry = new ToolRegistry([add, secret]);
    expect(registry.definitions({ allow: ['add'] }).map((d) => d.name)).toEqual(['add']);
    expect(registry.definitions({ deny: ['add'] }).map((d) => d.name)).toEqual(['read_secret']);
    expect(await registry.call('add', { a: 1 }, { deny: ['add'] })).toMatchObject({ ok: false, error: { code: 'tool-input' } });
    expect(await registry.call('read_secret', {}, { permissions: [] })).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
    expect(await registry.call('read_secret', {}, { permissions: ['secrets:read'] })).toMatchObject({ ok: true, output: 'hunter2' });
  });

  it('turns a throwing tool into a structured failure', async () => {
    const broken = defineTool({ name: 'broken', description: 'd', inputSchema: z.object({}), execute: () => { throw new Error('disk on fire'); } });
    const result = await new ToolRegistry([broken]).call('broken', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'tool-failed', message: 'Tool broken failed: disk on fire' } });
  });

  it('times out slow tools and aborts their signal', async () => {
    let aborted = false;
    const slow = defineTool({
      name: 'slow',
      description: 'd',
      inputSchema: z.object({}),
      timeoutMs: 20,
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => { aborted = true; resolve('late'); });
        }),
    });
    const result = await new ToolRegistry([slow]).call('slow', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'tool-timeout' } });
    expect(aborted).toBe(true);
  });

  it('returns an output that happens to be the text "timeout" as an output', async () => {
    const echo = defineTool({ name: 'echo', description: 'd', inputSchema: z.object({ text: z.string() }), execute: ({ text }) => text });
    expect(await new ToolRegistry([echo]).call('echo', { text: 'timeout' })).toMatchObject({ ok: true, output: 'timeout' });
  });

  it('does not run a tool when the caller was aborted before the call', async () => {
    let runs = 0;
    const look = defineTool({ name: 'look', description: 'd', inputSchema: z.object({}), execute: () => ++runs });
    const controller = new AbortController();
    controller.abort(new Error('Ctrl-C'));
    const result = await new ToolRegistry([look]).call('look', {}, {}, { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { code: 'tool-failed', message: 'Tool look was aborted: Ctrl-C' } });
    expect(runs).toBe(0);
  });

  it('answers at once when the caller aborts during a call, even if the tool ignores its signal', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const stubborn = defineTool({
      name: 'stubborn',
      description: 'd',
      inputSchema: z.object({}),
      timeoutMs: 3_600_000,
      execute: () => {
        started();
        return new Promise(() => undefined); // never settles, never listens
      },
    });
    const controller = new AbortController();
    const call = new ToolRegistry([stubborn]).call('stubborn', {}, {}, { signal: controller.signal });
    await running;
    controller.abort(new Error('Ctrl-C'));
    expect(await call).toMatchObject({ ok: false, error: { code: 'tool-failed', message: 'Tool stubborn was aborted: Ctrl-C' } });
  });

  it('refuses bad registrations with ConfigError', () => {
    const registry = new ToolRegistry([add]);
    expect(() => registry.register(add)).toThrow(ConfigError);
    expect(() => registry.register({ ...add, name: 'bad name' })).toThrow(/must start with a letter/);
    expect(() => registry.register({ ...add, name: 'scalar', inputSchema: z.string() })).toThrow(/object input schema/);
  });
});
