// The environment server on the wire: AgentGym's request and answer shapes, errors as AgentGym
// clients expect them (200 + error, FastAPI 422, 404/405, 503 at the bound), idle reclaim.
import { afterEach, describe, expect, it } from 'vitest';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { Environment, EnvironmentSpec, Observation } from '@worldloop/spec';
import { EnvironmentServer } from './environment-server.js';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
let server: EnvironmentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Starts a server on a free port; ids count from 0 unless the test says otherwise (the default is random). */
async function start(options: Partial<ConstructorParameters<typeof EnvironmentServer>[0]> = {}): Promise<string> {
  server = new EnvironmentServer({ spec, firstInstanceId: 0, ...options });
  return (await server.listen({ port: 0 })).url;
}

async function post(url: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

async function get(url: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path);
  return { status: response.status, body: await response.json() };
}


/** The test spec with each environment's `step` replaced by `step(inner)`, the rest passed through. */
function withStep(step: (inner: Environment<Observation, string>) => Environment<Observation, string>['step']): EnvironmentSpec<Observation, string> {
  return {
    ...spec,
    create: (options) => {
      const inner: Environment<Observation, string> = spec.create(options);
      return { id: inner.id, actionSpace: inner.actionSpace, reset: (resetOptions) => inner.reset(resetOptions), step: step(inner), close: () => inner.close() };
    },
  };
}

describe('EnvironmentServer', () => {
  it('creates instances with a first observation and resets them with data_idx as the seed', async () => {
    const url = await start();
    const created = await post(url, '/create'); // no body, as BabyAI's and ALFWorld's clients send
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 0, reward: 0, done: false, environment: spec.id });
    expect(typeof created.body.observation).toBe('string');
    expect(created.body.available_actions).toContain('forward');
    expect(created.body.primitive_actions).toEqual(['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done']);
    expect((await post(url, '/create', {})).body.id).toBe(1);

    const reset = await post(url, '/reset', { id: 0, data_idx: 42 });
    const local = spec.create();
    const expected = await local.reset({ seed: 42 });
    expect(reset.body).toMatchObject({ id: 0, observation: expected.observation.text, reward: 0, score: 0, done: false, max_steps: local.maxSteps });
    expect(reset.body.available_actions).toEqual(expected.observation.validActions);
    // ALFWorld's client sends `game` (and `world_type`), LMRL-Gym's wordle client `seed`.
    expect((await post(url, '/reset', { id: 1, game: 42, world_type: 'Text' })).body.observation).toBe(expected.observation.text);
    expect((await post(url, '/reset', { id: 1, seed: 42 })).body.observation).toBe(expected.observation.text);
  });

  it('steps with observation, reward, done, score and the available actions, like the in-process environment', async () => {
    const url = await start();
    const { id } = (await post(url, '/create', {})).body;
    await post(url, '/reset', { id, data_idx: 3 });
    const local = spec.create();
    await local.reset({ seed: 3 });
    for (const action of ['left', 'forward', 'right', 'forward']) {
      const step = await post(url, '/step', { id, action });
      const expected = await local.step(action);
      expect(step.status).toBe(200);
      expect(step.body).toMatchObject({ observation: expected.observation.text, reward: expected.reward, done: expected.terminated || expected.truncated });
      expect(step.body.available_actions).toEqual(expected.observation.validActions);
    }
    const last = (await post(url, '/step', { id, action: 'left' })).body.observation;
    expect((await get(url, `/observation?id=${id}`)).body).toBe(last); // a bare JSON string
    expect((await get(url, `/available_actions?id=${id}`)).body).toContain('right');
    expect((await get(url, `/detail?id=${id}`)).body).toMatchObject({ id, environment: spec.id, done: false });
  });

  it('answers an invalid action with a no-op step saying why and code invalid-action, no error key, state unchanged', async () => {
    const url = await start();
    const { id } = (await post(url, '/create', {})).body;
    const before = (await post(url, '/reset', { id, data_idx: 5 })).body.observation;
    const step = await post(url, '/step', { id, action: 'fly to the moon' });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({ code: 'invalid-action', reward: 0, done: false });
    expect(step.body.error).toBeUndefined(); // LMRL-Gym's clients end the episode on any `error`
    expect(step.body.observation).toContain('"fly to the moon"');
    expect(step.body.invalid_action).toBe(step.body.observation);
    expect((await get(url, `/observation?id=${id}`)).body).toBe(before);
  });

  it('reports unknown ids and environment-state errors as HTTP 200 {"error"}, as AgentGym servers do', async () => {
    const url = await start();
    const unknown = await post(url, '/step', { id: 99, action: 'left' });
    expect(unknown).toMatchObject({ status: 200, body: { code: 'unknown-instance' } });
    expect(unknown.body.error).toMatch(/^The id 99 is not valid/);
    expect((await post(url, '/step', { id: -1, action: 'left' })).body.error).toMatch(/^The id -1 is not valid: this server never issued it/);
    const { id } = (await post(url, '/create', {})).body;
    await post(url, '/reset', { id, data_idx: 1 });
    let done = false;
    for (let index = 0; index < 200 && !done; index++) done = (await post(url, '/step', { id, action: 'done' })).body.done;
    expect(done).toBe(true);
    expect((await post(url, '/step', { id, action: 'left' })).body).toMatchObject({ code: 'environment-state' });
  });

  it('counts instance ids up from firstInstanceId, and refuses ids below it as never issued', async () => {
    const url = await start({ firstInstanceId: 500 });
    expect((await post(url, '/create', {})).body.id).toBe(500);
    expect((await post(url, '/create', {})).body.id).toBe(501);
    await post(url, '/close', { id: 500 });
    for (const [id, reason] of [[0, /this server never issued it/], [499, /this server never issued it/], [502, /this server never issued it/], [500, /instance 500 was closed or reclaimed/]] as const) {
      const refused = await post(url, '/step', { id, action: 'left' });
      expect(refused).toMatchObject({ status: 200, body: { code: 'unknown-instance' } });
      expect(refused.body.error).toMatch(new RegExp(`^The id ${id} is not valid: `));
      expect(refused.body.error).toMatch(reason);
    }
    expect((await get(url, '/detail?id=501')).body).toMatchObject({ id: 501 });
  });

  it("after a restart with firstInstanceId 'random', refuses the ids of the previous run instead of driving another client's instance", async () => {
    const before = await start(); // ids from 0, as before
    const { id: held } = (await post(before, '/create', {})).body;
    await post(before, '/reset', { id: held, data_idx: 1 });
    await server!.close();

    const after = await start({ firstInstanceId: 'random' });
    const { id: first } = (await post(after, '/create', {})).body;
    expect(Number.isSafeInteger(first) && first >= 1 && first < 2 ** 30).toBe(true);
    expect((await post(after, '/create', {})).body.id).toBe(first + 1);
    await post(after, '/reset', { id: first, data_idx: 2 });
    const stale = await post(after, '/step', { id: held, action: 'forward' });
    expect(stale).toMatchObject({ status: 200, body: { code: 'unknown-instance' } });
    expect(stale.body.error).toMatch(/never issued it/);
    expect((await get(after, `/detail?id=${first}`)).body.observation).toBe((await post(after, '/reset', { id: first, data_idx: 2 })).body.observation);
  });

  it('starts ids at a random number from 1 by default, so two servers almost never share one', async () => {
    const ids = new Set<number>();
    for (let index = 0; index < 3; index++) {
      const url = await start({ firstInstanceId: undefined });
      const { id } = (await post(url, '/create', {})).body as { id: number };
      expect(Number.isSafeInteger(id) && id >= 1 && id < 2 ** 30).toBe(true);
      ids.add(id);
      await server!.close();
      server = undefined;
    }
    expect(ids.size).toBeGreaterThan(1);
  });

  it('refuses a firstInstanceId that is not a non-negative integer or random', () => {
    for (const firstInstanceId of [-1, 1.5, Number.NaN, 2 ** 53, 'later' as never]) {
      expect(() => new EnvironmentServer({ spec, firstInstanceId })).toThrow(/EnvironmentServer option firstInstanceId must be a non-negative integer or 'random'; got /);
    }
  });

  it('refuses malformed requests with FastAPI-shaped 422s, unknown paths with 404 and wrong methods with 405', async () => {
    const url = await start();
    const missing = await post(url, '/step', { action: 'left' });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([{ type: 'missing', loc: ['body', 'id'], msg: 'Field required', input: { action: 'left' } }]);
    expect((await post(url, '/reset', { id: 'zero' })).status).toBe(422);
    expect((await post(url, '/reset', { id: 0, data_idx: -1 })).status).toBe(422);
    expect((await post(url, '/step', '{not json')).body.detail[0].type).toBe('json_invalid');
    expect((await get(url, '/observation')).body.detail[0].loc).toEqual(['query', 'id']);
    expect(await post(url, '/nope', {})).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect(await get(url, '/step')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
  });

  it('answers a body over the limit with 413 body-too-large, as documented, not a dropped connection', async () => {
    const url = await start({ maxBodyBytes: 1000 });
    for (const size of [2000, 200_000]) {
      const refused = await post(url, '/create', { pad: 'x'.repeat(size) });
      expect(refused).toMatchObject({ status: 413, body: { code: 'body-too-large' } });
    }
    expect((await get(url, '/health')).body.instances).toBe(0);
    expect((await post(url, '/create', {})).status).toBe(200); // the server still serves
  });

  it('answers a step whose info cannot be encoded as JSON with {"error"}, and keeps serving', async () => {
    // Info should be JSON-serialisable; one environment breaking that must not take the server
    // (and every other instance) down with an unhandled rejection.
    const broken = withStep((inner) => async (action) => ({ ...(await inner.step(action)), info: { count: 1n } }));
    const url = await start({ spec: broken });
    const { id } = (await post(url, '/create', {})).body;
    const step = await post(url, '/step', { id, action: 'left' });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({ code: 'environment-failed' });
    expect(step.body.error).toMatch(/JSON/);
    expect((await get(url, '/health')).body).toMatchObject({ status: 'ok', instances: 1 });
  });

  it('finishes a step already in flight before closing, so its answer reaches the client', async () => {
    let entered!: () => void;
    const inStep = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = withStep((inner) => async (action) => {
      entered();
      await gate;
      return inner.step(action);
    });
    const url = await start({ spec: slow });
    const { id } = (await post(url, '/create', {})).body;
    const answer = post(url, '/step', { id, action: 'left' });
    await inStep;
    const closed = server!.close();
    release();
    expect(await answer).toMatchObject({ status: 200, body: { done: false } });
    await closed;
    await expect(fetch(url + '/health')).rejects.toThrow(); // no longer listening
  });

  it('closes instances (true, then false) and reports health', async () => {
    const url = await start();
    const { id } = (await post(url, '/create', {})).body;
    expect((await get(url, '/health')).body).toMatchObject({ status: 'ok', environment: spec.id, instances: 1 });
    expect((await post(url, '/close', { id })).body).toBe(true);
    expect((await post(url, '/close', { id })).body).toBe(false);
    expect((await get(url, '/health')).body.instances).toBe(0);
  });

  it('bounds the instances (503 past the bound) and reclaims idle ones by its clock', async () => {
    let now = 0;
    const url = await start({ maxInstances: 2, idleTimeoutMs: 1000, now: () => now });
    const first = (await post(url, '/create', {})).body.id;
    now = 600;
    const second = (await post(url, '/create', {})).body.id;
    const refused = await post(url, '/create', {});
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/All 2 environment instances are in use/);
    now = 1200; // the first is idle past the timeout, the second is not
    const third = await post(url, '/create', {});
    expect(third).toMatchObject({ status: 200, body: { id: 2 } });
    expect((await post(url, '/step', { id: first, action: 'left' })).body.error).toMatch(/closed or reclaimed/);
    now = 5000;
    expect(await server!.reclaimIdle()).toEqual([second, 2]);
  });

  it('runs the requests of one instance one at a time, in order', async () => {
    const url = await start();
    const { id } = (await post(url, '/create', {})).body;
    await post(url, '/reset', { id, data_idx: 8 });
    const answers = await Promise.all(['left', 'left', 'left', 'left'].map((action) => post(url, '/step', { id, action })));
    const local = spec.create();
    await local.reset({ seed: 8 });
    for (const answer of answers) expect(answer.body.observation).toBe((await local.step('left')).observation.text);
  });
});
