// `worldloop serve` and `worldloop run --env agentgym:...` together, in process: one serves a
// gridworld task over the AgentGym protocol, the other runs and records episodes against it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-serve-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function captureIo(onOutput?: (output: string) => void): CliIo & { output: () => string; errors: () => string } {
  let output = '';
  let errors = '';
  return {
    stdout: {
      write: (text: string) => {
        output += text;
        onOutput?.(output);
      },
    },
    stderr: { write: (text: string) => (errors += text) },
    isTTY: false,
    cwd: directory,
    output: () => output,
    errors: () => errors,
  };
}

/** Starts `worldloop serve` on a free port; resolves with its URL, its exit code promise and a stop function. */
async function serve(args: readonly string[]): Promise<{ url: string; exited: Promise<number>; stop: () => void; io: ReturnType<typeof captureIo> }> {
  const controller = new AbortController();
  let announce: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (announce = resolve));
  const io = captureIo((output) => {
    const match = /on (http:\/\/\S+) over the AgentGym protocol/.exec(output);
    if (match) announce(match[1]!);
  });
  const exited = main(['serve', ...args, '--port', '0'], io, controller.signal);
  const url = await Promise.race([listening, exited.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${io.errors()}`)))]);
  return { url, exited, stop: () => controller.abort(), io };
}

describe('worldloop serve', () => {
  it('serves an environment that `worldloop run --env agentgym:<url>#<name>` runs and records, then stops on abort', async () => {
    const server = await serve(['--env', 'gridworld/GoToLocal-v0', '--max-instances', '8', '--idle-timeout-s', '60']);
    expect(server.io.output()).toContain('serving gridworld/GoToLocal-v0 on http://127.0.0.1:');
    const environmentId = `agentgym:${server.url}#gridworld/GoToLocal-v0`;

    const random = captureIo();
    const database = join(directory, 'runs.db');
    expect(await main(['run', '--env', environmentId, '--policy', 'random-valid', '--episodes', '4', '--concurrency', '2', '--seed', '3', '--db', database], random), random.errors()).toBe(0);
    expect(random.output()).toContain(environmentId);
    expect(random.output()).toMatch(/random-valid/);

    const expert = captureIo();
    expect(await main(['run', '--env', `${environmentId}?expert=1`, '--policy', 'expert', '--episodes', '6', '--concurrency', '3', '--db', database], expert), expert.errors()).toBe(0);
    expect(expert.output()).toContain('100.0%');

    const listed = captureIo();
    expect(await main(['episodes', '--db', database, '--env', environmentId], listed)).toBe(0);
    expect(listed.output()).toContain(environmentId);

    server.stop();
    expect(await server.exited).toBe(0);
    expect(server.io.output()).toContain('stopped serving gridworld/GoToLocal-v0');
  });

  it('numbers instances from a random id, so a client holding an id of an earlier server start is refused', async () => {
    const server = await serve(['--env', 'gridworld/GoToLocal-v0']);
    const post = async (path: string, body: unknown): Promise<any> =>
      (await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const { id } = await post('/create', {});
    expect(Number.isSafeInteger(id) && id >= 1 && id < 2 ** 30).toBe(true);
    // 0 is what every start of a server numbering from 0 hands out first.
    expect(await post('/step', { id: 0, action: 'left' })).toMatchObject({ code: 'unknown-instance', error: expect.stringMatching(/^The id 0 is not valid: this server never issued it/) });
    expect(await post('/step', { id, action: 'left' })).toMatchObject({ done: false });
    server.stop();
    expect(await server.exited).toBe(0);
  });

  it('fails a run against a server that is not there with the URL and what to start', async () => {
    const io = captureIo();
    const code = await main(['run', '--env', 'agentgym:http://127.0.0.1:9#textcraft', '--policy', 'random-valid', '--episodes', '1', '--db', join(directory, 'runs.db')], io);
    expect(code).toBe(0); // the episode failed and was recorded; the run itself finished
    expect(io.errors()).toMatch(/No environment server answers at http:\/\/127\.0\.0\.1:9 .*worldloop serve --env/);
  });

  it('refuses bad flags and unknown environments with usage errors', async () => {
    const badPort = captureIo();
    expect(await main(['serve', '--env', 'gridworld/GoToLocal-v0', '--port', '70000'], badPort)).toBe(2);
    expect(badPort.errors()).toMatch(/--port must be an integer between 0 and 65535/);
    const unknown = captureIo();
    expect(await main(['serve', '--env', 'nowhere/Nothing-v0'], unknown)).toBe(2);
    expect(unknown.errors()).toMatch(/Unknown environment "nowhere\/Nothing-v0".*agentgym:http/);
    const malformed = captureIo();
    expect(await main(['run', '--env', 'agentgym:textcraft'], malformed)).toBe(2);
    expect(malformed.errors()).toMatch(/needs the server's http URL/);
  });

  it('refuses a --host it cannot listen on with exit code 2, naming the flag and the value', async () => {
    const io = captureIo();
    // 192.0.2.1 (TEST-NET-1) is no address of this machine.
    expect(await main(['serve', '--env', 'gridworld/GoToLocal-v0', '--host', '192.0.2.1', '--port', '0'], io, AbortSignal.timeout(10_000))).toBe(2);
    expect(io.errors()).toMatch(/^worldloop: Cannot listen on --host 192\.0\.2\.1: .*EADDRNOTAVAIL/);
    expect(io.output()).toBe('');
  });
});
