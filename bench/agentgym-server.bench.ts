// Benchmark (not a test): worldloop's environment server driven by the AgentGym client over
// loopback at 1 and 16 concurrent episodes: steps/s, and the server's own time per step beyond
// the environment's. Run: pnpm tsx bench/agentgym-server.bench.ts [steps]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AgentGymEnvironment } from '@worldloop/agentgym';
import { EnvironmentServer } from '@worldloop/environment-server';
import { gridworldEnvironments } from '@worldloop/gridworld';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const ACTIONS = ['left', 'right', 'forward', 'forward', 'pickup', 'toggle'];
const totalSteps = Number(process.argv[2] ?? 20_000);

/** A tiny xorshift so every run draws the same actions. */
function chooser(seed: number): () => string {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return ACTIONS[state % ACTIONS.length]!;
  };
}

/** Steps one environment until `steps` are done, resetting at each episode end; returns steps taken. */
async function drive(environment: { reset(options: { seed: number }): Promise<unknown>; step(action: string): Promise<{ terminated: boolean; truncated: boolean; observation: { text: string; validActions?: readonly string[] } }> }, steps: number, seed: number): Promise<number> {
  const choose = chooser(seed);
  let episode = 0;
  await environment.reset({ seed: seed * 1000 + episode });
  for (let index = 0; index < steps; index++) {
    const result = await environment.step(choose());
    // Read what an agent reads, so lazy observations are rendered in every variant.
    if (result.observation.text.length === 0 || result.observation.validActions === undefined) throw new Error('empty observation');
    if (result.terminated || result.truncated) await environment.reset({ seed: seed * 1000 + ++episode });
  }
  return steps;
}

async function rawEnvironment(): Promise<number> {
  const environment = spec.create();
  await drive(environment, 2000, 1); // warm up
  const started = performance.now();
  await drive(environment, totalSteps, 1);
  return ((performance.now() - started) * 1000) / totalSteps;
}

/** Runs `concurrency` clients against `url`; returns steps per second. */
async function overLoopback(url: string, concurrency: number, steps: number): Promise<number> {
  const clients = Array.from({ length: concurrency }, () => new AgentGymEnvironment({ url }));
  const perClient = Math.ceil(steps / concurrency);
  const started = performance.now();
  await Promise.all(clients.map((client, index) => drive(client, perClient, index + 1)));
  const elapsed = performance.now() - started;
  await Promise.all(clients.map((client) => client.close()));
  return (perClient * concurrency * 1000) / elapsed;
}

/** Server process figures: CPU time used and the server's own step timings. */
interface ServerStats {
  readonly cpuMicroseconds: number;
  readonly steps: number;
  readonly environmentMs: number;
}

/** A server for `spec` in a child process (its own CPU, as in production) that reports its CPU time on request. */
function childServer(): Promise<{ url: string; stats: () => Promise<ServerStats>; stop: () => void }> {
  const source = `
import { EnvironmentServer } from '@worldloop/environment-server';
import { gridworldEnvironments } from '@worldloop/gridworld';
const server = new EnvironmentServer({ spec: gridworldEnvironments.find((s) => s.id === '${spec.id}') });
const { url } = await server.listen({ port: 0 });
process.stdin.setEncoding('utf8').on('data', () => {
  const cpu = process.cpuUsage();
  const timings = server.timings();
  process.stdout.write('stats ' + JSON.stringify({ cpuMicroseconds: cpu.user + cpu.system, steps: timings.steps, environmentMs: timings.environmentMs }) + '\\n');
});
process.stdout.write('listening ' + url + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: fileURLToPath(new URL('.', import.meta.url)), // bench/: its node_modules resolve the packages
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  let waiting: ((stats: ServerStats) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      for (let newline = output.indexOf('\n'); newline >= 0; newline = output.indexOf('\n')) {
        const line = output.slice(0, newline);
        output = output.slice(newline + 1);
        if (line.startsWith('listening ')) {
          resolve({
            url: line.slice('listening '.length),
            stats: () => new Promise((answer) => {
              waiting = answer;
              child.stdin!.write('stats\n');
            }),
            stop: () => child.kill('SIGTERM'),
          });
        } else if (line.startsWith('stats ')) waiting?.(JSON.parse(line.slice('stats '.length)) as ServerStats);
      }
    });
    child.on('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
}

const format = (value: number, digits = 1): string => value.toFixed(digits).padStart(9);

const rawMicroseconds = await rawEnvironment();
console.log(`${spec.id}, ${totalSteps} steps per figure, primitive actions, observation text and valid actions read every step`);
console.log(`raw environment step in process (step + text + valid actions): ${format(rawMicroseconds).trim()} µs`);
console.log('');

console.log('server in its own process, client here, loopback HTTP with keep-alive:');
console.log('concurrency   steps/s   wall µs/step   client CPU µs/step   server CPU µs/step   environment µs/step   server overhead µs/step (CPU - environment)');
const child = await childServer();
try {
  await overLoopback(child.url, 4, 2000); // warm up connections and the JIT
  for (const concurrency of [1, 16]) {
    const before = await child.stats();
    const clientBefore = process.cpuUsage();
    const stepsPerSecond = await overLoopback(child.url, concurrency, totalSteps);
    const clientCpu = process.cpuUsage(clientBefore);
    const after = await child.stats();
    const steps = after.steps - before.steps;
    const cpu = (after.cpuMicroseconds - before.cpuMicroseconds) / steps;
    const environment = ((after.environmentMs - before.environmentMs) * 1000) / steps;
    console.log(
      `${String(concurrency).padStart(11)} ${format(stepsPerSecond, 0)} ${format(1e6 / stepsPerSecond).padStart(14)} ${format((clientCpu.user + clientCpu.system) / steps).padStart(20)} ${format(cpu).padStart(20)} ${format(environment).padStart(21)} ${format(cpu - environment).padStart(25)}`,
    );
  }
} finally {
  child.stop();
}

console.log('');
console.log('server and client in one process, one event loop (handler time = request arrival to response written):');
console.log('concurrency   steps/s   handler µs/step   environment µs/step   handler - environment µs/step');
const server = new EnvironmentServer({ spec });
const { url } = await server.listen({ port: 0 });
await overLoopback(url, 4, 2000);
for (const concurrency of [1, 16]) {
  server.resetTimings();
  const stepsPerSecond = await overLoopback(url, concurrency, totalSteps);
  const timings = server.timings();
  const handler = (timings.handlerMs * 1000) / timings.steps;
  const environment = (timings.environmentMs * 1000) / timings.steps;
  console.log(`${String(concurrency).padStart(11)} ${format(stepsPerSecond, 0)} ${format(handler).padStart(17)} ${format(environment).padStart(21)} ${format(handler - environment).padStart(31)}`);
}
await server.close();
console.log('(at 16 the handler time also counts waiting for the event loop while other requests run: it is latency, not cost)');
console.log('');
console.log('Server CPU per step includes HTTP parsing, JSON, the kernel side of loopback TCP, and resets every ~64 steps.');
console.log('For scale (issue 7): a Python FastAPI AgentGym server spends about 500 µs per step on HTTP and JSON alone; the target is <= 200 µs per step at 16 concurrent episodes.');
