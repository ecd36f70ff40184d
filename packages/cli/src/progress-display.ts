// Shows run progress on stderr: a redrawn bar on a terminal, plain lines (at most one a second
// and one per tenth of the run) when output goes to a file or a pipe.
import type { RunProgress } from '@worldloop/spec';
import type { CliIo } from './cli-io.js';
import { formatRate } from './rate-format.js';

/** Renders `run-progress` events. */
export class ProgressDisplay {
  private lastTenth = -1;
  private drawn = false;

  constructor(private readonly io: CliIo) {}

  /** Shows one progress event. */
  update(progress: RunProgress): void {
    const { episodesFinished: done, episodesRequested: total } = progress;
    const successRate = done > 0 ? (100 * progress.successes) / done : 0;
    const stepsPerSecond = progress.elapsedMs > 0 ? (progress.stepsTaken / progress.elapsedMs) * 1000 : 0;
    const figures = `${done}/${total} episodes  success ${successRate.toFixed(1)}%  ${formatRate(stepsPerSecond)} steps/s`;
    if (this.io.isTTY) {
      const width = 30;
      const filled = Math.round((width * done) / total);
      this.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}  `);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.io.stderr.write(`progress: ${figures}\n`);
    }
  }

  /** Ends the bar's line so the next output starts cleanly. */
  finish(): void {
    if (this.drawn) this.io.stderr.write('\n');
    this.drawn = false;
  }
}
