// An environment wrapper for throughput benchmarks: an episode never ends by the task. When the
// wrapped environment terminates or truncates, it is reset to a new layout (seeded from the episode's
// seed and a counter) and the episode goes on, so every episode runs exactly the step limit the
// Runner gives it and every slot does the same work. Rewards and success are not meaningful.
import type { ActionSpace, Environment, Observation, ResetOptions, ResetResult, StepResult } from '@worldloop/spec';

/** Wraps `inner`; the wrapped episode ends only at the Runner's `maxSteps`. */
export class EndlessEpisodeEnvironment<Obs extends Observation = Observation, Act = string> implements Environment<Obs, Act> {
  private seed = 0;
  private restarts = 0;

  constructor(private readonly inner: Environment<Obs, Act>) {}

  get id(): string {
    return this.inner.id;
  }

  get actionSpace(): ActionSpace<Act> {
    return this.inner.actionSpace;
  }

  async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    this.seed = options?.seed ?? 0;
    this.restarts = 0;
    return this.inner.reset(options);
  }

  async step(action: Act): Promise<StepResult<Obs>> {
    const result = await this.inner.step(action);
    if (!result.terminated && !result.truncated) return result;
    this.restarts++;
    const restarted = await this.inner.reset({ seed: (this.seed + this.restarts * 7919) >>> 0 });
    return { observation: restarted.observation, reward: result.reward, terminated: false, truncated: false, info: { ...result.info, restarts: this.restarts } };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
