// The sentence above the guesses (and what is said aloud): how sure the model is, in words.
import { withArticle } from "./prompt.js";

export const SURE_SCORE = 0.6; // "Oh, I know" from here
export const GUESS_SCORE = 0.25; // below this the model only hesitates

/** {text, mood} for the current top guesses; mood is "idle", "unsure", "guess", "sure" or "match". */
export function headline(guesses, prompt = null) {
  if (!guesses || guesses.length === 0) return { text: "Start drawing — I'll guess as you go.", mood: "idle" };
  const [{ label, score }] = guesses;
  if (score < GUESS_SCORE) return { text: "Hmm… I'm not sure yet.", mood: "unsure" };
  if (score < SURE_SCORE) return { text: `I see… ${withArticle(label)}?`, mood: "guess" };
  return { text: `Oh, I know, it's ${withArticle(label)}!`, mood: label === prompt ? "match" : "sure" };
}

/** What to say aloud for a top guess, or null when it is not worth saying. */
export function spokenGuess(guesses) {
  if (!guesses || guesses.length === 0 || guesses[0].score < GUESS_SCORE) return null;
  return headline(guesses).text;
}
