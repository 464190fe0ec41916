// The live top-K list: one row per label, moved (not re-created) when the order changes, so the bars
// and positions glide with CSS transitions instead of jumping.
import { headline } from "./headline.js";

const PERCENT = 100;
const LEAVE_MS = 250; // matches the row fade-out in site.css

/** "91%", or "<1%" for a score that is not quite zero. */
export function percent(score) {
  const rounded = Math.round(score * PERCENT);
  return rounded === 0 && score > 0 ? "<1%" : `${rounded}%`;
}

export class GuessList {
  /** @param {HTMLOListElement} list  @param {HTMLElement} title  @param {number} topK */
  constructor(list, title, topK) {
    this.list = list;
    this.title = title;
    this.topK = topK;
    this.rows = new Map(); // label -> <li>
    this.list.style.setProperty("--rows", String(topK));
    this.last = [];
    this.prompt = null;
  }

  /** Shows `guesses` ([{label, score}], best first); returns the headline shown. */
  show(guesses, prompt = this.prompt) {
    this.last = guesses;
    this.prompt = prompt;
    const visible = guesses.slice(0, this.topK);
    const seen = new Set();
    visible.forEach(({ label, score }, rank) => {
      seen.add(label);
      const row = this.rows.get(label) ?? this.addRow(label);
      row.style.setProperty("--rank", String(rank));
      row.style.setProperty("--score", String(score));
      row.querySelector(".guess-score").textContent = percent(score);
      row.classList.toggle("is-top", rank === 0);
      row.classList.toggle("is-prompt", label === prompt);
      row.classList.remove("is-leaving");
    });
    for (const [label, row] of this.rows) {
      if (!seen.has(label)) this.removeRow(label, row);
    }
    const line = headline(guesses, prompt);
    this.title.textContent = line.text;
    this.title.dataset.mood = line.mood;
    this.list.dataset.empty = String(visible.length === 0);
    return line;
  }

  addRow(label) {
    const row = document.createElement("li");
    row.className = "guess is-entering";
    row.dataset.label = label;
    row.innerHTML = '<span class="guess-label"></span><span class="guess-score"></span><span class="guess-bar"></span>';
    row.querySelector(".guess-label").textContent = label;
    this.list.append(row);
    this.rows.set(label, row);
    requestAnimationFrame(() => row.classList.remove("is-entering"));
    return row;
  }

  removeRow(label, row) {
    this.rows.delete(label);
    row.classList.add("is-leaving");
    row.classList.remove("is-top", "is-prompt");
    setTimeout(() => row.remove(), LEAVE_MS);
  }
}
