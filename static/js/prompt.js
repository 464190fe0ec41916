// What to draw next: a random category from the model's vocabulary, never the same twice in a row.

/** A random item of `categories` other than `previous` (unless it is the only one). */
export function pickPrompt(categories, previous = null, random = Math.random) {
  const choices = categories.length > 1 ? categories.filter((name) => name !== previous) : categories;
  if (choices.length === 0) return null;
  return choices[Math.min(choices.length - 1, Math.floor(random() * choices.length))];
}

/** "a cat", "an apple": the indefinite article English wants before a category name. */
export function withArticle(name) {
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}
