// ALFWorld's way of listing things in a sentence: "nothing", "a mug 1", "a mug 1, and a cup 2",
// "a mug 1, a cup 2, and a pan 1". Always "a", as ALFWorld writes it ("a apple 1").

/** Joins names with ALFWorld's article and separators. */
export function listPhrase(names: readonly string[]): string {
  if (names.length === 0) return 'nothing';
  if (names.length === 1) return `a ${names[0]}`;
  let text = `a ${names[0]}`;
  for (let index = 1; index < names.length - 1; index++) text += `, a ${names[index]}`;
  return `${text}, and a ${names[names.length - 1]}`;
}
