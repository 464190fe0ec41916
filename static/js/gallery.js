// The public gallery: every card shows its finished drawing; a click replays it at its real speed (replay.js),
// the caption following the model's top guess as it went. Card state: data-state, data-entry (timeline index).

import { ReplayPlayer } from "./replay.js";

const WAITING = "…"; // the caption before the model's first guess

const drawings = new Map(JSON.parse(document.getElementById("gallery-data").textContent).map((d) => [String(d.id), d]));

for (const card of document.querySelectorAll(".gallery-card")) {
  const drawing = drawings.get(card.dataset.drawing);
  if (!drawing) continue;
  const guess = card.querySelector('[data-role="guess"]');
  const label = guess.textContent; // shown when the finished drawing has no timeline
  const player = new ReplayPlayer(card.querySelector("canvas"), drawing, {
    fit: "bounds",
    onFrame: ({ entry, playing, ended }) => {
      card.dataset.state = playing ? "playing" : ended ? "ended" : "paused";
      card.dataset.entry = String(entry);
      const caption = entry >= 0 ? drawing.timeline[entry][1] : ended ? label : WAITING;
      if (guess.textContent !== caption) guess.textContent = caption;
    },
  });
  card.querySelector(".gallery-replay").addEventListener("click", () => player.toggle());
}
