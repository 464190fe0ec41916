// The drawing page: wires the canvas, the protocol client, the guesses, speech and the controls.
import { SketchPad } from "./canvas.js";
import { DrawClient } from "./client.js";
import { Drawing } from "./drawing.js";
import { newDrawingKey } from "./drawkey.js";
import { GuessList } from "./guesses.js";
import { spokenGuess } from "./headline.js";
import { pickPrompt, withArticle } from "./prompt.js";
import { Speaker } from "./speech.js";
import { Status } from "./socket.js";
import { toast } from "./toast.js";

const SEND_INTERVAL_MS = 32; // points leave at most this often mid-stroke: live guesses within the rate limit
const MS_PER_S = 1000;
const NOTICE_REPEAT_MS = 10000; // the same server complaint is shown at most this often
const SILENT_CODES = new Set(["rate_limited", "bad_stroke", "bad_seq"]); // the client resyncs by itself
const STATUS_TEXT = {
  [Status.CONNECTING]: () => "Connecting…",
  [Status.LIVE]: () => "Live",
  [Status.RETRYING]: (seconds) => `Reconnecting in ${seconds}s…`,
  [Status.OFFLINE]: () => "Offline",
};

const root = document.getElementById("draw");
const $ = (selector) => root.querySelector(selector);
const categories = JSON.parse(document.getElementById("categories-data").textContent);
const wsScheme = window.location.protocol === "https:" ? "wss" : "ws";
const wsUrl = `${wsScheme}://${window.location.host}${root.dataset.wsPath}`;

const drawing = new Drawing({ newKey: newDrawingKey }); // keyed: a save after a reconnect is not a duplicate
const guesses = new GuessList($("#guesses"), $("#headline"), Number(root.dataset.topK));
const speaker = new Speaker();
let prompt = null;
let lastSend = 0;
let sendTimer = null;
let limitNoticeShown = false;
const noticeShownAt = new Map(); // error code -> time of its last toast

const client = new DrawClient(wsUrl, drawing, {
  currentCanvas: () => pad.size,
  onReady: (ready) => {
    root.dataset.modelVersion = ready.model_version;
  },
  onGuesses: (list) => showGuesses(list),
  onSaved: (saved, entry) => announceSaved(saved, entry),
  onRefused: (error) => explainRefusal(error),
  onStatus: (status, detail) => showStatus(status, detail),
});

const pad = new SketchPad($("#pad"), drawing, {
  canStartStroke: () => client.canStartStroke() || tooMuchInk(),
  canAddPoint: () => client.canAddPoint() || tooMuchInk(),
  onStrokeStart: () => {
    root.dataset.empty = "false";
    client.strokeStarted();
    schedulePoints();
  },
  onPoints: () => schedulePoints(),
  onStrokeEnd: () => sendPointsNow(),
});

function tooMuchInk() {
  if (!limitNoticeShown) toast("That's a lot of ink! Submit or clear to start a new drawing.", "error");
  limitNoticeShown = true;
  return false;
}

/** Points are batched per animation frame, and at most one message per SEND_INTERVAL_MS. */
function schedulePoints() {
  if (sendTimer !== null) return;
  const wait = Math.max(0, SEND_INTERVAL_MS - (performance.now() - lastSend));
  sendTimer = setTimeout(() => requestAnimationFrame(sendPointsNow), wait);
}

function sendPointsNow() {
  clearTimeout(sendTimer);
  sendTimer = null;
  lastSend = performance.now();
  client.sendPoints();
}

function showGuesses(list) {
  const line = guesses.show(list, prompt);
  root.dataset.mood = line.mood;
  const text = spokenGuess(list);
  if (list.length === 0) speaker.say(null); // a new drawing: the same label may be said again
  else if (text) speaker.say(text, list[0].label);
}

function drawingEmptied() {
  pad.redraw();
  root.dataset.empty = "true";
  limitNoticeShown = false;
  showGuesses([]);
}

function undo() {
  if (pad.drawingNow || drawing.isEmpty) return;
  client.undo();
  if (drawing.isEmpty) drawingEmptied();
  else pad.redraw();
}

function clear() {
  if (pad.drawingNow || drawing.isEmpty) return;
  client.clear();
  drawingEmptied();
}

function submit() {
  if (pad.drawingNow) return;
  if (drawing.isEmpty) {
    toast("Draw something first!");
    return;
  }
  sendPointsNow();
  if (!client.submit(prompt, $("#public").checked)) toast("You're offline: your drawing will be saved as soon as the connection is back.");
  drawingEmptied();
  newPrompt();
}

function newPrompt(name = pickPrompt(categories, prompt)) {
  prompt = name;
  $("#prompt").textContent = prompt ? withArticle(prompt) : "anything you like";
  client.setPrompt(prompt);
  guesses.show(guesses.last, prompt);
}

function skip() {
  if (pad.drawingNow) return;
  if (!drawing.isEmpty) {
    client.clear();
    drawingEmptied();
  }
  newPrompt();
}

function announceSaved(saved, entry) {
  const label = entry?.label;
  const top = saved.guesses?.[0]?.label;
  if (saved.recognized && saved.first_correct_ms !== null) {
    toast(`Saved! I knew it was ${withArticle(label)} after ${(saved.first_correct_ms / MS_PER_S).toFixed(1)} s.`, "success");
  } else if (saved.recognized === false && top) {
    toast(`Saved! I thought it was ${withArticle(top)}. Thanks, that helps me learn.`, "success");
  } else {
    toast("Saved! Thanks for drawing.", "success");
  }
  root.dataset.saved = String(saved.drawing);
}

function explainRefusal(error) {
  if (SILENT_CODES.has(error.code)) return;
  const now = performance.now();
  if (now - (noticeShownAt.get(error.code) ?? -Infinity) < NOTICE_REPEAT_MS) return;
  noticeShownAt.set(error.code, now);
  if (error.code === "server_busy") toast("The server is busy: guesses will catch up in a moment.");
  else if (error.code === "nothing_to_submit") toast("Draw something first!");
  else toast(`Hmm: ${error.detail}`, "error");
}

function showStatus(status, detail) {
  const badge = document.getElementById("status");
  badge.dataset.status = status;
  badge.querySelector(".status-text").textContent = STATUS_TEXT[status](detail);
  badge.title = status === Status.LIVE ? "Connected: guesses are live" : "Your drawing is kept; it is sent again once connected. Click to retry now.";
  root.dataset.connection = status;
}

function setSpeech(enabled) {
  speaker.setEnabled(enabled);
  const button = $("#speech-toggle");
  button.setAttribute("aria-pressed", String(speaker.enabled));
  const text = spokenGuess(guesses.last);
  if (speaker.enabled && text) speaker.say(text, guesses.last[0].label);
}

function initSpeech() {
  const button = $("#speech-toggle");
  if (!speaker.supported) {
    button.disabled = true;
    button.title = "Speech is not available in this browser";
  }
  button.setAttribute("aria-pressed", String(speaker.enabled));
  button.addEventListener("click", () => setSpeech(!speaker.enabled));
}

const SHORTCUTS = [
  { test: (e) => (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z", run: undo },
  { test: (e) => (e.ctrlKey || e.metaKey) && e.key === "Enter", run: submit },
  { test: (e) => !e.ctrlKey && !e.metaKey && (e.key === "Delete" || e.key === "Backspace"), run: clear },
  { test: (e) => !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === "n", run: skip },
  { test: (e) => !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === "m", run: () => setSpeech(!speaker.enabled) },
];

document.addEventListener("keydown", (event) => {
  // typing goes to text fields; a focused checkbox (the gallery opt-in) keeps the shortcuts working
  if (event.target.closest('input:not([type="checkbox"]), textarea, select, [contenteditable]')) return;
  const shortcut = SHORTCUTS.find(({ test }) => test(event));
  if (!shortcut) return;
  event.preventDefault();
  shortcut.run();
});

$("#undo").addEventListener("click", undo);
$("#clear").addEventListener("click", clear);
$("#submit").addEventListener("click", submit);
$("#skip").addEventListener("click", skip);
document.getElementById("status").addEventListener("click", () => client.socket.reconnectNow());
initSpeech();

// A submission not yet confirmed by the server lives only in this page: ask before leaving it.
window.addEventListener("beforeunload", (event) => {
  if (client.submissions.length > 0) event.preventDefault();
});

const wanted = new URLSearchParams(window.location.search).get("prompt");
newPrompt(categories.includes(wanted) ? wanted : pickPrompt(categories));
showGuesses([]);
client.start();
window.drawsite = { client, drawing, pad }; // for the browser tests and the curious
