// The AgentGym client against stub servers (node:http, port 0) that replay the wire shapes of the
// real AgentGym servers, each variant citing the file of WooooDyy/AgentGym its shapes come from;
// plus errors: {"error"} with HTTP 200, FastAPI 422, missing /close (404), timeouts, a dead server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, EnvironmentStateError, InvalidActionError } from '@worldloop/spec';
import { EnvironmentServer } from '@worldloop/environment-server';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { AgentGymEnvironment } from './agentgym-environment.js';
import { agentGymEnvironmentSpec, parseAgentGymEnvironmentId } from './agentgym-environment-spec.js';
import { EnvironmentServerError } from './environment-server-error.js';

interface StubRequest {
  readonly route: string;
  readonly body: any;
  readonly query: URLSearchParams;
}
/** An answer: a JSON body with status 200, or `{ status, body }`; `hold` never answers. */
type StubAnswer = unknown;
type StubRoutes = Record<string, (request: StubRequest) => StubAnswer>;
const HOLD = Symbol('hold');
const NOT_FOUND = { status: 404, body: { detail: 'Not Found' } }; // FastAPI's answer for a route it lacks

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stub server answering `routes` (`'POST /step'`); unknown routes answer FastAPI's 404. Records every request. */
async function stub(routes: StubRoutes): Promise<{ url: string; requests: StubRequest[] }> {
  const requests: StubRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path, query = ''] = (request.url ?? '/').split('?');
      const route = `${request.method} ${path}`;
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: StubRequest = { route, body: text === '' ? undefined : JSON.parse(text), query: new URLSearchParams(query) };
      requests.push(entry);
      const handler = routes[route];
      const answer = handler ? handler(entry) : NOT_FOUND;
      if (answer === HOLD) return; // never answers: the client's deadline must fire
      const { status, body } = typeof answer === 'object' && answer !== null && 'status' in answer ? (answer as { status: number; body: unknown }) : { status: 200, body: answer };
      const payload = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      response.end(payload);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('AgentGymEnvironment against the BabyAI server shapes', () => {
  // agentenv-babyai/agentenv_babyai/environment.py (BabyAIEnv) and server.py: /create answers only
  // the id; reset and step append `\nAvailable actions: ["..."]` to the observation and add
  // `score`; there is no /observation, /available_actions or /close.
  const actions = '\nAvailable actions: ["turn left", "turn right", "move forward", "go to red ball 1"]';
  const routes = (): StubRoutes => {
    let score = 0;
    return {
      'POST /create': () => ({ id: 0 }),
      'POST /reset': ({ body }) => ({
        observation: `Your goal: go to the red ball\nIn front of you in this room, you can see several objects: There is a red ball 1 2 steps in front of you.${actions}`,
        reward: 0,
        score: 0,
        deleted: false,
        done: false,
        echo: body,
      }),
      'POST /step': ({ body }) => {
        const done = body.action === 'go to red ball 1';
        score += done ? 0.9 : 0;
        return { observation: `You moved.${done ? '\n The task is completed.' : ''}${actions}`, reward: done ? 0.9 : 0, score, done };
      },
    };
  };

  it('creates, resets with data_idx = seed, parses the actions from the text, and reads score', async () => {
    const server = await stub(routes());
    const environment = new AgentGymEnvironment({ url: server.url, name: 'babyai' });
    const { observation, info } = await environment.reset({ seed: 17 });
    expect(server.requests.map((request) => request.route)).toEqual(['POST /create', 'POST /reset']); // actions were in the text: no probe
    expect(server.requests[1]!.body).toEqual({ id: 0, data_idx: 17 });
    expect(observation.validActions).toEqual(['turn left', 'turn right', 'move forward', 'go to red ball 1']);
    expect(info).toMatchObject({ dataIndex: 17, instanceId: 0 });
    expect(environment.actionSpace.validate('Move Forward.')).toEqual({ ok: true, action: 'move forward' });
    expect(environment.actionSpace.validate('fly')).toMatchObject({ ok: false });
    const first = await environment.step('turn left');
    expect(first).toMatchObject({ reward: 0, terminated: false, truncated: false, info: { score: 0 } });
    const last = await environment.step('Go to red ball 1');
    expect(server.requests.at(-1)!.body).toEqual({ id: 0, action: 'go to red ball 1' }); // the listed spelling is sent
    expect(last).toMatchObject({ reward: 0.9, terminated: true, truncated: false, info: { score: 0.9, success: true } });
    await expect(environment.step('turn left')).rejects.toBeInstanceOf(EnvironmentStateError);
  });

  it('closes without error although the server has no /close (404), and asks only once', async () => {
    const server = await stub(routes());
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 1 });
    await environment.close();
    await environment.close();
    await environment.reset({ seed: 2 });
    await environment.close();
    expect(server.requests.filter((request) => request.route === 'POST /close')).toHaveLength(1);
  });

  it('maps seeds into the task range with taskCount, and numeric tasks to data_idx', async () => {
    const server = await stub(routes());
    const environment = new AgentGymEnvironment({ url: server.url, taskCount: 40 });
    await environment.reset({ seed: 85 });
    await environment.reset({ task: '7' });
    expect(server.requests.filter((request) => request.route === 'POST /reset').map((request) => request.body.data_idx)).toEqual([5, 7]);
    await expect(environment.reset({ seed: -1 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('AgentGymEnvironment against the TextCraft server shapes', () => {
  // agentenv-textcraft/agentenv_textcraft/env_wrapper.py and server.py: /create answers the first
  // observation; errors are HTTP 200 {"error": str(e)}; GET /observation is a bare JSON string.
  const routes: StubRoutes = {
    'POST /create': () => ({ id: 3, observation: 'Crafting commands:\ncraft 1 stick using 2 planks\nGoal: craft stick.', done: false, reward: 0 }),
    'POST /reset': ({ body }) => ({ id: body.id, observation: `Crafting commands for task ${body.data_idx}.\nGoal: craft stick.`, done: false, reward: 0 }),
    'POST /step': ({ body }) =>
      body.action === 'explode' ? { error: "'NoneType' object has no attribute 'split'" } : { observation: 'Got 1 planks', reward: 0, done: false },
    'GET /observation': ({ query }) => `Crafting commands (instance ${query.get('id')})`,
  };

  it('uses the first observation of /create when reset asks for no seed, and resets otherwise', async () => {
    const server = await stub(routes);
    const environment = new AgentGymEnvironment({ url: server.url, name: 'textcraft' });
    expect((await environment.reset()).observation.text).toMatch(/^Crafting commands:/);
    // No actions in the answer or its text: GET /available_actions is tried once; its 404 is remembered.
    expect(server.requests.map((request) => request.route)).toEqual(['POST /create', 'GET /available_actions']);
    expect((await environment.reset({ seed: 4 })).observation.text).toBe('Crafting commands for task 4.\nGoal: craft stick.');
    expect(server.requests.at(-1)!.route).toBe('POST /reset');
    // With no list anywhere, any text goes: the server judges it.
    expect(environment.actionSpace.validate('get 2 planks')).toEqual({ ok: true, action: 'get 2 planks' });
  });

  it('does not reuse the first observation of /create after a /reset that failed (the server may have reset)', async () => {
    let resets = 0;
    const server = await stub({ ...routes, 'POST /reset': ({ body }) => (++resets === 1 ? HOLD : routes['POST /reset']!({ body } as StubRequest)) });
    const environment = new AgentGymEnvironment({ url: server.url, timeoutMs: 50 });
    await expect(environment.reset({ seed: 4 })).rejects.toBeInstanceOf(EnvironmentServerError);
    const { observation } = await environment.reset();
    expect(observation.text).toBe('Crafting commands for task 0.\nGoal: craft stick.');
    expect(server.requests.filter((request) => request.route === 'POST /reset').map((request) => request.body.data_idx)).toEqual([4, 0]);
  });

  it('turns {"error"} with HTTP 200 into an EnvironmentServerError naming the server and the request', async () => {
    const server = await stub(routes);
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 1 });
    const error = await environment.step('explode').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toContain(server.url);
    expect((error as Error).message).toContain("POST /step (instance 3) with an error: 'NoneType' object has no attribute 'split'");
    expect((error as EnvironmentServerError).retryable).toBe(false);
  });

  it('fetches GET /observation when an answer carries none, reading a bare JSON string', async () => {
    const server = await stub({ ...routes, 'POST /reset': ({ body }) => ({ id: body.id, done: false, reward: 0 }) });
    const environment = new AgentGymEnvironment({ url: server.url });
    expect((await environment.reset({ seed: 1 })).observation.text).toBe('Crafting commands (instance 3)');
  });
});

describe('AgentGymEnvironment against the ALFWorld server shapes', () => {
  // agentenv-alfworld/agentenv_alfworld/env_wrapper.py and server.py: reset takes `game` and
  // `world_type`; reset and step answer `available_actions`; GET /available_actions is an array;
  // pydantic models make a missing field a FastAPI 422.
  const routes: StubRoutes = {
    'POST /create': () => ({ id: 0 }),
    'POST /reset': ({ body }) =>
      body.game === undefined
        ? { status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'game'], msg: 'Field required', input: body }] } }
        : { id: body.id, observation: 'You are in the middle of a room.', available_actions: ['go to fridge 1', 'look', 'inventory'], task_type: 'pick_and_place_simple/x' },
    'POST /step': ({ body }) => ({ observation: `You arrive at ${body.action.slice(6)}.`, reward: 0, available_actions: ['open fridge 1', 'look'], done: false }),
    'GET /available_actions': () => ['open fridge 1', 'look'],
  };

  it('sends the configured reset field and extra body, and takes the actions from each answer', async () => {
    const server = await stub(routes);
    const environment = new AgentGymEnvironment({ url: server.url, resetIndexField: 'game', resetBody: { world_type: 'Text' } });
    const { observation } = await environment.reset({ seed: 12 });
    expect(server.requests[1]!.body).toEqual({ id: 0, game: 12, world_type: 'Text' });
    expect(observation.validActions).toEqual(['go to fridge 1', 'look', 'inventory']);
    const step = await environment.step('go to fridge 1');
    expect(step.observation.validActions).toEqual(['open fridge 1', 'look']);
    expect(environment.actionSpace.validActions()).toEqual(['open fridge 1', 'look']);
  });

  it('reports a 422 with the fields FastAPI named and the options to check', async () => {
    const server = await stub(routes);
    const environment = new AgentGymEnvironment({ url: server.url }); // data_idx, but ALFWorld wants game
    const error = await environment.reset({ seed: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toMatch(/refused POST \/reset \(instance 0\) as invalid \(422\): body\.game: Field required\. Check the protocol options/);
  });
});

describe('AgentGymEnvironment against other dialects', () => {
  it('takes a bare id from /create, names it env_idx, reads `state`, and an object from GET /observation', async () => {
    // agentenv/agentenv/envs/webshop.py: `self.env_id = ok.json()` (a bare id), requests carry
    // `env_idx`, reset takes `session_id` and step answers `state`. The object form of GET
    // /observation is the instance's info dict, the shape TextCraft's and ALFWorld's /detail answer.
    const server = await stub({
      'POST /create': () => 5,
      'POST /reset': () => ({ ok: true }),
      'GET /observation': ({ query }) => ({ observation: `WebShop [SEP] Instruction: [SEP] buy a lamp (env ${query.get('env_idx')})`, done: false, reward: 0, deleted: false }),
      'POST /step': () => ({ state: 'Search results', reward: 0, done: false }),
    });
    const environment = new AgentGymEnvironment({ url: server.url, idField: 'env_idx', resetIndexField: 'session_id' });
    expect((await environment.reset({ seed: 2 })).observation.text).toBe('WebShop [SEP] Instruction: [SEP] buy a lamp (env 5)');
    expect(server.requests[1]!.body).toEqual({ env_idx: 5, session_id: 2 });
    expect((await environment.step('search[lamp]')).observation.text).toBe('Search results');
    expect(server.requests.at(-1)!.body).toEqual({ env_idx: 5, action: 'search[lamp]' });
  });

  it('truncates locally at maxSteps when the server never says done', async () => {
    const server = await stub({ 'POST /create': () => ({ id: 0 }), 'POST /reset': () => ({ observation: 'start' }), 'POST /step': () => ({ observation: 'again', reward: 0, done: false }) });
    const environment = new AgentGymEnvironment({ url: server.url, maxSteps: 2 });
    await environment.reset({ seed: 0 });
    expect((await environment.step('x')).truncated).toBe(false);
    expect(await environment.step('x')).toMatchObject({ truncated: true, terminated: false, info: {} });
    await expect(environment.step('x')).rejects.toBeInstanceOf(EnvironmentStateError);
  });

  it('reports a 404 on /step as a server that does not speak the protocol', async () => {
    const server = await stub({ 'POST /create': () => ({ id: 0 }), 'POST /reset': () => ({ observation: 'start' }) });
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 0 });
    await expect(environment.step('x')).rejects.toThrow(/has no POST \/step \(404 .*is .* the base URL of an AgentGym environment server/);
  });
});

describe("AgentGymEnvironment and a reset's maxSteps (the caller's budget)", () => {
  /** A server that never says done, announcing `max_steps` on reset when given one; `/step` ends the episode at `doneAt` steps. */
  const budgetRoutes = (serverMaxSteps?: number, extra: { doneAt?: number; create?: Record<string, unknown> } = {}): StubRoutes => {
    let steps = 0;
    return {
      'POST /create': () => ({ id: 0, ...extra.create }),
      'POST /reset': () => {
        steps = 0;
        return { observation: 'start', reward: 0, done: false, ...(serverMaxSteps !== undefined ? { max_steps: serverMaxSteps } : {}) };
      },
      'POST /step': () => {
        steps++;
        return { observation: `step ${steps}`, reward: 0, done: steps === extra.doneAt };
      },
    };
  };

  it("truncates at the smaller of the budget and the server's max_steps, ends the episode there, and never sends the budget", async () => {
    const server = await stub(budgetRoutes(5));
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 0, maxSteps: 2 });
    expect(environment.maxSteps).toBe(2);
    expect(server.requests.find((request) => request.route === 'POST /reset')!.body).toEqual({ id: 0, data_idx: 0 });
    expect(await environment.step('x')).toMatchObject({ terminated: false, truncated: false });
    expect(await environment.step('x')).toMatchObject({ terminated: false, truncated: true, info: { success: false } });
    await expect(environment.step('x')).rejects.toThrow(new EnvironmentStateError(`step() was called after the episode of ${environment.id} ended; call reset() to start another.`));
    expect(server.requests.filter((request) => request.route === 'POST /step')).toHaveLength(2);

    await environment.reset({ seed: 0 }); // the budget was that episode's
    expect(environment.maxSteps).toBe(5);
    await environment.reset({ seed: 0, maxSteps: 9 });
    expect(environment.maxSteps).toBe(5);
  });

  it("takes the budget alone when the server reports no max_steps, and the smaller of it and the maxSteps option", async () => {
    const server = await stub(budgetRoutes());
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 0 });
    expect(environment.maxSteps).toBeUndefined();
    await environment.reset({ seed: 0, maxSteps: 1 });
    expect(environment.maxSteps).toBe(1);
    expect(await environment.step('x')).toMatchObject({ terminated: false, truncated: true });
    await expect(environment.step('x')).rejects.toBeInstanceOf(EnvironmentStateError);

    const limited = new AgentGymEnvironment({ url: server.url, maxSteps: 4 });
    await limited.reset({ seed: 0, maxSteps: 3 });
    expect(limited.maxSteps).toBe(3);
    await limited.reset({ seed: 0, maxSteps: 6 });
    expect(limited.maxSteps).toBe(4);
  });

  it('reports a step that ends the episode at the budget as terminated, not truncated', async () => {
    const server = await stub(budgetRoutes(10, { doneAt: 2 }));
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 0, maxSteps: 2 });
    expect(environment.maxSteps).toBe(2);
    await environment.step('x');
    expect(await environment.step('x')).toMatchObject({ terminated: true, truncated: false });
  });

  it('refuses a budget that is not a positive integer with a ConfigError before any request, leaving the episode as it was', async () => {
    const server = await stub(budgetRoutes(5));
    const environment = new AgentGymEnvironment({ url: server.url });
    await expect(environment.reset({ seed: 0, maxSteps: 0 })).rejects.toThrow(
      new ConfigError('Reset option maxSteps must be a positive integer (the steps the caller allows); got 0.'),
    );
    expect(server.requests).toHaveLength(0); // not even /create
    await environment.reset({ seed: 0, maxSteps: 3 });
    await environment.step('x');
    const sent = server.requests.length;
    for (const maxSteps of [-1, 1.5, Number.NaN, '3' as never]) await expect(environment.reset({ seed: 0, maxSteps })).rejects.toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(sent);
    expect(environment.maxSteps).toBe(3); // the running episode and its budget are untouched
    await environment.step('x');
    expect(await environment.step('x')).toMatchObject({ truncated: true });
  });

  it('ignores the budget where the server lists primitive_actions (one /step may run several counted steps)', async () => {
    const server = await stub(budgetRoutes(64, { create: { primitive_actions: ['left', 'right', 'forward'] } }));
    const environment = new AgentGymEnvironment({ url: server.url });
    await environment.reset({ seed: 0, maxSteps: 2 });
    expect(environment.maxSteps).toBe(64);
    await environment.step('x');
    expect(await environment.step('x')).toMatchObject({ truncated: false });
    await expect(environment.reset({ seed: 0, maxSteps: 0 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('AgentGymEnvironment transport failures', () => {
  it('fails a slow answer after its deadline with a clear EnvironmentServerError, without retrying', async () => {
    const server = await stub({ 'POST /create': () => ({ id: 0 }), 'POST /reset': () => ({ observation: 'start' }), 'POST /step': () => HOLD });
    const environment = new AgentGymEnvironment({ url: server.url, timeoutMs: 50, retryDelayMs: 1 });
    await environment.reset({ seed: 0 });
    const error = await environment.step('wait').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toBe(`The environment server at ${server.url} did not answer POST /step within 50 ms. It may be overloaded or stuck; raise the timeout (timeoutMs) if its steps are slow.`);
    expect(server.requests.filter((request) => request.route === 'POST /step')).toHaveLength(1);
  });

  it('does not retry a /step whose answer was cut off mid-body on a pooled connection: the server has acted', async () => {
    // The answer's headers and part of its body arrive, then the server drops the connection. The
    // socket came from the keep-alive pool, but the step was applied: sending it again would apply
    // it twice.
    let steps = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/step') {
          steps++;
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': 200 });
          response.write('{"observation": "You mo');
          setTimeout(() => response.socket?.destroy(), 5);
          return;
        }
        const payload = JSON.stringify(request.url === '/create' ? { id: 0 } : { observation: 'start', available_actions: ['go'] });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        response.end(payload);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const environment = new AgentGymEnvironment({ url, retries: 3, retryDelayMs: 1 });
    await environment.reset({ seed: 0 });
    const error = await environment.step('go').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toMatch(/failed during POST \/step/);
    expect(steps).toBe(1);
  });

  it('refuses an HTML page answered to /create instead of taking it for an instance id', async () => {
    // A web server (or a proxy's page) at that URL answers any path with HTML and status 200.
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><body>Welcome</body></html>');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const environment = new AgentGymEnvironment({ url });
    const error = await environment.reset({ seed: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toMatch(/answered POST \/create with <!doctype html>.*, not a JSON object/);
  });

  it('does not take an HTML page from GET /observation for the observation text', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const html = request.url!.startsWith('/observation');
        const payload = html ? '<html><body>Not here</body></html>' : JSON.stringify(request.url === '/create' ? { id: 0 } : { done: false, reward: 0 });
        response.writeHead(200, { 'content-type': html ? 'text/html' : 'application/json', 'content-length': Buffer.byteLength(payload) });
        response.end(payload);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const error = await new AgentGymEnvironment({ url }).reset({ seed: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toMatch(/without an observation, and GET \/observation gave none either/);
  });

  it('retries a refused connection, then names the URL and what to start', async () => {
    const server = await stub({});
    const url = server.url;
    servers.pop()!.close(); // nothing listens on that port any more
    await new Promise((resolve) => setTimeout(resolve, 0));
    const environment = new AgentGymEnvironment({ url, retries: 2, retryDelayMs: 1 });
    const error = await environment.reset({ seed: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentServerError);
    expect((error as Error).message).toMatch(new RegExp(`^No environment server answers at ${url} \\(ECONNREFUSED on POST /create, 3 attempts\\)\\. Start one first: \`worldloop serve --env <environment id> --port \\d+\``));
    expect((error as EnvironmentServerError).retryable).toBe(true);
    await environment.close(); // nothing to close, nothing thrown
  });
});

describe('AgentGymEnvironment against worldloop servers', () => {
  const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
  let server: EnvironmentServer | undefined;
  afterEach(async () => server?.close());

  it('refuses invalid actions with InvalidActionError (state unchanged) and uses the server description', async () => {
    server = new EnvironmentServer({ spec });
    const { url } = await server.listen({ port: 0 });
    const environment = new AgentGymEnvironment({ url, acceptUnlistedActions: true });
    const { observation } = await environment.reset({ seed: 9 });
    expect(environment.actionSpace.describe()).toBe(spec.create().actionSpace.describe());
    expect(environment.actionSpace.primitiveActions()).toContain('toggle');
    const error = await environment.step('fly to the moon').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidActionError);
    expect((error as Error).message).toMatch(/^Invalid action "fly to the moon": [^I]/);
    const twin = spec.create();
    expect((await twin.reset({ seed: 9 })).observation.text).toBe(observation.text);
    expect((await environment.step('left')).observation.text).toBe((await twin.step('left')).observation.text);
  });

  it('starts a new instance when the server has reclaimed the old one', async () => {
    let now = 0;
    server = new EnvironmentServer({ spec, idleTimeoutMs: 1000, now: () => now, firstInstanceId: 0 });
    const { url } = await server.listen({ port: 0 });
    const environment = new AgentGymEnvironment({ url });
    expect((await environment.reset({ seed: 1 })).info.instanceId).toBe(0);
    now = 5000;
    expect(await server.reclaimIdle()).toEqual([0]);
    await expect(environment.step('left')).rejects.toThrow(/no longer knows the instance of \/step/);
    expect((await environment.reset({ seed: 1 })).info.instanceId).toBe(1);
    expect((await environment.step('left')).terminated).toBe(false);
  });

  it('offers the server expert with ?expert=1, and it solves the task over the wire', async () => {
    server = new EnvironmentServer({ spec });
    const { url } = await server.listen({ port: 0 });
    const remote = agentGymEnvironmentSpec(`agentgym:${url}#${spec.id}?expert=1`);
    expect(remote.hasExpert).toBe(true);
    const environment = remote.create();
    await environment.reset({ seed: 4 });
    let last;
    for (let index = 0; index < 100; index++) {
      last = await environment.step(environment.expertAction!()!);
      if (last.terminated || last.truncated) break;
    }
    expect(last).toMatchObject({ terminated: true, info: { success: true } });
    await environment.close();
  });
});

describe('agentgym: environment ids', () => {
  it('parses the URL, the name and the options after the name', () => {
    expect(parseAgentGymEnvironmentId('agentgym:http://127.0.0.1:36001#textcraft')).toEqual({ url: 'http://127.0.0.1:36001', name: 'textcraft', id: 'agentgym:http://127.0.0.1:36001#textcraft' });
    expect(parseAgentGymEnvironmentId('agentgym:http://h:1#babyai?tasks=40&reset-field=game&expert=1')).toMatchObject({ taskCount: 40, resetIndexField: 'game', expert: true });
  });

  it('refuses malformed ids with the form to use', () => {
    expect(() => parseAgentGymEnvironmentId('agentgym:127.0.0.1:36001#textcraft')).toThrow(/needs the server's http URL .*agentgym:http:\/\/127\.0\.0\.1:36001#textcraft/);
    expect(() => parseAgentGymEnvironmentId('agentgym:http://127.0.0.1:36001')).toThrow(/needs the environment's name after "#"/);
    expect(() => parseAgentGymEnvironmentId('agentgym:http://h:1#x?color=red')).toThrow(/Unknown AgentGym id option "color"/);
    expect(() => parseAgentGymEnvironmentId('agentgym:http://h:1#x?tasks=0')).toThrow(ConfigError);
    expect(() => parseAgentGymEnvironmentId('agentgym:http://h:1#50%')).toThrow(ConfigError); // a malformed %-escape
  });
});
