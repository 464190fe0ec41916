// The admin drawing page's replay panel (templates/recognizer/replay_panel.html): play / pause / restart,
// speed choices, a clock, and the guess timeline entry current at the replay time highlighted.
// State shows on the panel as data-state ("playing" | "paused" | "ended") and data-entry (timeline index).

import { ReplayPlayer, SPEEDS } from "./replay.js";

const MS_PER_SECOND = 1000;
const seconds = (ms) => `${(ms / MS_PER_SECOND).toFixed(1)} s`;

function mount(panel) {
  const drawing = JSON.parse(document.getElementById(panel.dataset.replay).textContent);
  const toggle = panel.querySelector('[data-control="toggle"]');
  const restart = panel.querySelector('[data-control="restart"]');
  const clock = panel.querySelector('[data-role="clock"]');
  const speeds = [...panel.querySelectorAll('input[name="replay-speed"]')];
  const entries = [...panel.querySelectorAll('[data-role="timeline"] li')];
  const chosenSpeed = () => SPEEDS[speeds.find((input) => input.checked)?.value ?? "1"];
  let current = null;

  const showFrame = ({ position, duration, entry, playing, ended }) => {
    panel.dataset.state = playing ? "playing" : ended ? "ended" : "paused";
    toggle.textContent = playing ? "Pause" : ended ? "Replay" : "Play";
    toggle.setAttribute("aria-pressed", String(playing));
    clock.textContent = `${seconds(position)} / ${seconds(duration)}`;
    if (entry !== current) {
      entries[current]?.removeAttribute("aria-current");
      entries[entry]?.setAttribute("aria-current", "true");
      panel.dataset.entry = String(entry);
      current = entry;
    }
  };

  const player = new ReplayPlayer(panel.querySelector("canvas"), drawing, {
    fit: "canvas",
    speed: chosenSpeed(),
    onFrame: showFrame,
  });
  toggle.addEventListener("click", () => player.toggle());
  restart.addEventListener("click", () => player.restart());
  for (const input of speeds) input.addEventListener("change", () => player.setSpeed(chosenSpeed()));
}

for (const panel of document.querySelectorAll("[data-replay]")) mount(panel);
