// Tool registry: JSON Schema export, validation before execution, access rules (permissions fail
// closed, also through an Agent and an LlmPolicy), time limits.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, type StepRecord } from '@worldloop/spec';
import { LineWorldEnvironment, ScriptedLanguageModel, generateResult } from '@worldloop/testkit';
import { Agent, type AgentOptions } from './agent.js';
import { defineTool } from './define-tool.js';
import { LlmPolicy } from './llm-policy.js';
import { ToolRegistry, type ToolAccess } from './tool-registry.js';

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

  describe('permissions fail closed', () => {
    const writeFile = defineTool({
      name: 'write_file',
      description: 'Writes a file.',
      inputSchema: z.object({ path: z.string() }),
      permissions: ['fs:write', 'fs:read'],
      execute: ({ path }) => `wrote ${path}`,
    });
    const denials: [string, ToolAccess | undefined][] = [
      ['no access object', undefined],
      ['an empty access object', {}],
      ['allow and deny lists without permissions', { allow: ['write_file'], deny: [] }],
      ['no permissions', { permissions: [] }],
      ['other permissions', { permissions: ['net:fetch'] }],
      ['some of the permissions', { permissions: ['fs:read'] }],
    ];

    it.each(denials)('refuses a tool that needs permissions to a caller with %s, without running it', async (_label, access) => {
      let runs = 0;
      const registry = new ToolRegistry([{ ...writeFile, execute: () => ++runs }]);
      const result = access === undefined ? await registry.call('write_file', { path: 'a.txt' }) : await registry.call('write_file', { path: 'a.txt' }, access);
      expect(result).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
      expect(runs).toBe(0);
      const held = access?.permissions ?? [];
      const missing = ['fs:write', 'fs:read'].filter((permission) => !held.includes(permission));
      if (!result.ok) {
        expect(result.error.message).toContain(`Tool "write_file" needs ${missing.length === 1 ? 'permission' : 'permissions'} ${missing.join(', ')}, which this agent does not hold`);
        expect(result.error.message).toContain('AgentOptions.toolAccess.permissions');
        expect(result.error.message).toContain(`toLangChainTools(registry, { permissions: ${JSON.stringify(missing)} })`);
      }
    });

    it('refuses before reading the arguments, so a denied caller learns nothing of their validity', async () => {
      const registry = new ToolRegistry([writeFile]);
      expect(await registry.call('write_file', '{not json')).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
      expect(await registry.call('write_file', { path: 7 }, {})).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
    });

    it('runs the tool for a caller that holds every permission it needs, and more', async () => {
      const registry = new ToolRegistry([writeFile]);
      expect(await registry.call('write_file', { path: 'a.txt' }, { permissions: ['fs:read', 'fs:write'] })).toMatchObject({ ok: true, output: 'wrote a.txt' });
      expect(await registry.call('write_file', { path: 'b.txt' }, { permissions: ['net:fetch', 'fs:write', 'fs:read'] })).toMatchObject({ ok: true, output: 'wrote b.txt' });
    });

    it('leaves tools that declare no permissions open to every caller', async () => {
      const registry = new ToolRegistry([add, writeFile]);
      expect(await registry.call('add', { a: 1, b: 2 })).toMatchObject({ ok: true, output: 3 });
      expect(await registry.call('add', { a: 1, b: 2 }, {})).toMatchObject({ ok: true, output: 3 });
      expect(await registry.call('add', { a: 1, b: 2 }, { permissions: [] })).toMatchObject({ ok: true, output: 3 });
      expect(registry.definitions()[0]).toEqual(new ToolRegistry([add]).definitions()[0]);
    });

    it('lists a tool the caller may not use, with a note on its description; held permissions list it unchanged', () => {
      const registry = new ToolRegistry([add, writeFile]);
      const note = ' (Unavailable: needs permissions fs:write, fs:read, which you do not hold; calls to it are refused.)';
      for (const definitions of [registry.definitions(), registry.definitions({}), registry.definitions({ permissions: ['net:fetch'] })]) {
        expect(definitions.map((definition) => definition.name)).toEqual(['add', 'write_file']);
        expect(definitions[0]!.description).toBe('Adds two numbers.');
        expect(definitions[1]!.description).toBe(`Writes a file.${note}`);
        expect(definitions[1]!.parameters).toMatchObject({ type: 'object', required: ['path'] });
      }
      expect(registry.definitions({ permissions: ['fs:write'] })[1]!.description).toBe('Writes a file. (Unavailable: needs permission fs:read, which you do not hold; calls to it are refused.)');
      expect(registry.definitions({ permissions: ['fs:write', 'fs:read'] })[1]!.description).toBe('Writes a file.');
      expect(registry.definitions({ deny: ['write_file'] }).map((definition) => definition.name)).toEqual(['add']);
    });

    it('binds a tool box to its access: no access holds no permissions', async () => {
      const registry = new ToolRegistry([writeFile]);
      const closed = registry.toolBox();
      expect(closed.definitions[0]!.description).toMatch(/Unavailable/);
      expect(await closed.call('write_file', { path: 'a.txt' })).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
      const granted = registry.toolBox({ permissions: ['fs:write', 'fs:read'] });
      expect(granted.definitions[0]!.description).toBe('Writes a file.');
      expect(await granted.call('write_file', { path: 'a.txt' })).toMatchObject({ ok: true, output: 'wrote a.txt' });
    });
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

describe('ToolRegistry permissions through an Agent and its LlmPolicy', () => {
  // A model that calls open_vault first, then walks right to the goal of the LineWorld.
  async function runVaultEpisode(toolAccess: AgentOptions['toolAccess']): Promise<{ steps: StepRecord[]; opened: number; model: ScriptedLanguageModel }> {
    let opened = 0;
    const vault = defineTool({ name: 'open_vault', description: 'Opens the vault.', inputSchema: z.object({}), permissions: ['vault:open'], execute: () => `opened ${++opened}` });
    const model = new ScriptedLanguageModel((_request, callIndex) =>
      callIndex === 0
        ? generateResult({ toolCalls: [{ id: 'vault-1', name: 'open_vault', arguments: {} }] })
        : generateResult({ toolCalls: [{ id: `act-${callIndex}`, name: 'act', arguments: { action: 'right' } }] }),
    );
    const agent = new Agent({ policy: new LlmPolicy({ model, actionMode: 'native' }), tools: new ToolRegistry([vault]), ...(toolAccess !== undefined ? { toolAccess } : {}) });
    const steps: StepRecord[] = [];
    agent.events.on('step-end', ({ step }) => steps.push(step));
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    return { steps, opened, model };
  }

  it.each([
    ['no toolAccess', undefined],
    ['toolAccess {}', {}],
    ['toolAccess without the permission', { permissions: ['vault:read'] }],
  ] as const)('refuses the tool to an agent with %s, and the model reads the refusal', async (_label, toolAccess) => {
    const { steps, opened, model } = await runVaultEpisode(toolAccess);
    expect(opened).toBe(0);
    expect(steps[0]!.toolCalls).toHaveLength(1);
    expect(steps[0]!.toolCalls[0]!.result).toMatchObject({ ok: false, error: { code: 'tool-denied' } });
    expect(model.calls[0]!.tools!.find((tool) => tool.name === 'open_vault')!.description).toMatch(/^Opens the vault\. \(Unavailable: needs permission vault:open/);
    const answer = model.calls[1]!.messages.at(-1);
    expect(answer).toMatchObject({ role: 'tool', toolCallId: 'vault-1', name: 'open_vault' });
    expect((answer as { content: string }).content).toMatch(/^Error \(tool-denied\): Tool "open_vault" needs permission vault:open, .*AgentOptions\.toolAccess\.permissions/);
    expect(steps.at(-1)).toMatchObject({ terminated: true });
  });

  it('runs the tool for an agent granted the permission through toolAccess', async () => {
    const { steps, opened, model } = await runVaultEpisode({ permissions: ['vault:open'] });
    expect(opened).toBe(1);
    expect(steps[0]!.toolCalls[0]!.result).toMatchObject({ ok: true, output: 'opened 1' });
    expect(model.calls[0]!.tools!.find((tool) => tool.name === 'open_vault')!.description).toBe('Opens the vault.');
    expect(model.calls[1]!.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'vault-1', content: 'opened 1' });
  });
});
