// Choosing the best of several estimates without a fixed bias towards the first: ties are broken
// at random, so a planner that knows nothing does not turn left forever.

/** The index of the largest value (within 1e-12), ties broken uniformly by `random`; -1 for none. */
export function randomArgmax(values: readonly number[], random: () => number): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  let ties = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (value > bestValue + 1e-12) {
      best = index;
      bestValue = value;
      ties = 1;
    } else if (Math.abs(value - bestValue) <= 1e-12) {
      ties++;
      if (random() * ties < 1) best = index;
    }
  }
  return best;
}
