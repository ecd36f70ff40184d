// A random order of indices, for planners that must not always try the first action first.

/** 0..count-1 in a random order (Fisher-Yates). */
export function shuffledIndices(count: number, random: () => number): number[] {
  const indices = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const swap = indices[index]!;
    indices[index] = indices[other]!;
    indices[other] = swap;
  }
  return indices;
}
