// The guess-race room page: join, lobby, rounds (own canvas + live guesses + the others' tiles),
// results, leaderboard and gallery. Protocol: docs/protocol.md, "Game protocol". The canvas, the
// drawing model, the reconnecting socket and the guess list are the drawing page's own modules.
import { SketchPad } from "../js/canvas.js";
import { Drawing } from "../js/drawing.js";
import { GuessList } from "../js/guesses.js";
import { DrawSocket, Status } from "../js/socket.js";
import { toast } from "../js/toast.js";
import { Tiles, fromRaw } from "./tiles.js";

const SEND_INTERVAL_MS = 32; // points leave at most this often mid-stroke
const TICK_MS = 250; // timer refresh
const MS_PER_S = 1000;
const TOP_K = 5;
const MAX_POINTS_PER_MESSAGE = 1000;
const STORAGE_PREFIX = "drawsite.game."; // + room code -> {token, name}
const QUIET_CODES = new Set(["not_drawing", "rate_limited", "bad_stroke", "bad_seq"]);
const ORDINAL = ["th", "st", "nd", "rd"];

const root = document.getElementById("game");
const $ = (selector) => document.querySelector(selector);
const code = root.dataset.code;
const storageKey = STORAGE_PREFIX + code;
const wsScheme = window.location.protocol === "https:" ? "wss" : "ws";

const state = {
  me: null, // my player id
  host: false,
  room: null, // the last `room` message
  round: null, // {round, prompt, deadlineAt, players} of the running round
  drawing: false, // my canvas takes ink
  joined: false,
};
const drawing = new Drawing();
const guesses = new GuessList($("#guesses"), $("#headline"), TOP_K);
const tiles = new Tiles($("#tiles"));
let sendTimer = null;
let lastSend = 0;
let pendingName = null; // a join asked for before the socket opened: sent on open
let timerInterval = null;

const ordinal = (n) => `${n}${ORDINAL[(n % 100 >= 11 && n % 100 <= 13) || n % 10 > 3 ? 0 : n % 10]}`;
const seconds = (ms) => `${(ms / MS_PER_S).toFixed(1)} s`;
const saved = () => JSON.parse(localStorage.getItem(storageKey) || "null");

const socket = new DrawSocket(`${wsScheme}://${window.location.host}${root.dataset.wsPath}`, {
  onOpen: () => {
    const identity = saved();
    if (identity) sendJoin(identity.name, identity.token);
    else if (pendingName !== null) sendJoin(pendingName);
    else showPhase("join");
  },
  onMessage: (message) => handle(message),
  onSent: () => {},
  onStatus: (status, detail) => showStatus(status, detail),
});

const pad = new SketchPad($("#pad"), drawing, {
  canStartStroke: () => state.drawing,
  canAddPoint: () => state.drawing,
  onStrokeStart: () => schedulePoints(),
  onPoints: () => schedulePoints(),
  onStrokeEnd: () => sendPoints(),
});

function sendJoin(name, token = null) {
  // the canvas size only while the pad is on screen (the lobby hides it); tiles fit the drawing otherwise
  const [width, height] = pad.size.map((side) => Math.round(side));
  socket.send({ type: "join", name, token, canvas: width > 1 && height > 1 ? [width, height] : null });
}

function showStatus(status, detail) {
  const element = $("#status");
  const live = status === Status.LIVE || (status === Status.CONNECTING && state.joined && socket.isOpen);
  element.dataset.status = live ? "live" : status;
  element.querySelector(".status-text").textContent =
    live ? "Live" : status === Status.RETRYING ? `Reconnecting in ${detail}s…` : status === Status.OFFLINE ? "Offline" : "Connecting…";
}

function showPhase(phase) {
  root.dataset.phase = phase;
}

// --- drawing ---

function schedulePoints() {
  if (sendTimer !== null) return;
  const wait = Math.max(0, lastSend + SEND_INTERVAL_MS - performance.now());
  sendTimer = setTimeout(() => {
    sendTimer = null;
    sendPoints();
  }, wait);
}

function sendPoints() {
  lastSend = performance.now();
  if (!socket.isOpen || !state.drawing) return;
  for (const message of drawing.takeUnsent(MAX_POINTS_PER_MESSAGE)) socket.send(message);
}

$("#undo").addEventListener("click", () => {
  if (!state.drawing) return;
  sendPoints();
  if (drawing.undo()) socket.send({ type: "undo" });
  pad.redraw();
});

$("#clear").addEventListener("click", () => {
  if (!state.drawing) return;
  drawing.clear();
  socket.send({ type: "clear" });
  pad.redraw();
});

function setDrawing(open, note = "") {
  state.drawing = open;
  root.dataset.drawing = String(open);
  $("#pad-note").hidden = !note;
  $("#pad-note").textContent = note;
}

// --- server messages ---

function handle(message) {
  const handler = HANDLERS[message.type];
  if (handler) handler(message);
}

const HANDLERS = {
  joined(message) {
    const resumed = state.round !== null && message.round_started?.round === state.round.round;
    state.me = message.player;
    state.joined = true;
    localStorage.setItem(storageKey, JSON.stringify({ token: message.token, name: message.name }));
    socket.status(Status.LIVE);
    HANDLERS.room(message.room);
    if (message.game_over) HANDLERS.game_over(message.game_over);
    else if (message.round_over) HANDLERS.round_over(message.round_over);
    if (message.round_started) {
      startRound(message.round_started, message.live, message.you, resumed);
    }
  },
  room(message) {
    state.room = message;
    state.host = message.host === state.me;
    root.dataset.host = String(state.host);
    renderPlayers(message.players);
    $("#start-form").hidden = !state.host;
    $("#waiting").hidden = state.host;
    $("#again").hidden = !state.host;
    $("#again-wait").hidden = state.host;
    if (message.state === "lobby" || (message.state === "playing" && message.round?.state === "scheduled" && message.round.round === 1)) {
      showPhase("lobby");
    }
    if (message.round?.state === "scheduled") {
      const startsIn = Math.max(0, message.round.starts_ms - Date.now());
      $("#round-info").textContent = `Round ${message.round.round} of ${message.round.rounds} starts in ${Math.ceil(startsIn / MS_PER_S)} s`;
    }
  },
  round_started(message) {
    startRound(message, {}, null, false);
  },
  guesses(message) {
    if (state.round) guesses.show(message.guesses, state.round.prompt);
  },
  strokes(message) {
    tiles.apply(message.player, message.canvas, message.ops);
  },
  recognized(message) {
    const text = `${ordinal(message.place)} · ${seconds(message.elapsed_ms)}`;
    if (message.player === state.me) {
      sendPoints();
      setDrawing(false, `Recognized! ${text} · +${message.points}`);
      root.dataset.recognized = "true";
      toast(`${state.round?.prompt ?? ""} recognized: ${text}`, "success");
    } else {
      tiles.mark(message.player, text);
      toast(`${message.name} got it (${text})`, "info");
    }
  },
  round_over(message) {
    endRound();
    $("#results-title").textContent = `Round ${message.round} of ${message.rounds}: ${message.prompt}`;
    $("#results").replaceChildren(...message.results.map(resultItem));
    $("#next-round").textContent = message.round < message.rounds ? "Next round coming up…" : "";
    showPhase("results");
  },
  game_over(message) {
    endRound();
    $("#leaderboard").replaceChildren(
      ...message.leaderboard.map((row) => listItem(`${row.rank}. ${row.name}`, `${row.score} points`, { player: row.player })),
    );
    $("#gallery").replaceChildren(...message.gallery.map(galleryItem));
    showPhase("over");
  },
  error(message) {
    if (message.code === "unknown_room" || message.code === "room_full") {
      toast(message.detail, "error", 10 * MS_PER_S);
      showPhase("closed");
    } else if (message.code === "replaced") {
      toast("This room is open in another window.", "error");
    } else if (message.code === "bad_name") {
      toast(message.detail, "error");
      showPhase("join");
    } else if (!QUIET_CODES.has(message.code)) {
      toast(message.detail, "error");
    }
  },
};

function startRound(started, live, you, resumed) {
  const deadlineAt = Date.now() + started.remaining_ms;
  state.round = { round: started.round, prompt: started.prompt, deadlineAt, players: started.players };
  root.dataset.recognized = String(Boolean(you?.recognized));
  $("#prompt").textContent = started.prompt;
  $("#round-info").textContent = `Round ${started.round} of ${started.rounds}`;
  const participant = started.players.includes(state.me);
  const others = (state.room?.players ?? []).filter((p) => p.id !== state.me && started.players.includes(p.id));
  tiles.reset(others, live ?? {});
  if (resumed && participant && !you?.recognized && !drawing.isEmpty) {
    // same page, socket came back: the server gets our drawing again, whole
    socket.send({ type: "clear" });
    for (const message of drawing.replay(MAX_POINTS_PER_MESSAGE)) socket.send(message);
  } else {
    drawing.clear();
    if (you?.drawing) restoreDrawing(you.drawing);
    guesses.show([], started.prompt);
  }
  pad.redraw();
  if (!participant) setDrawing(false, "You joined mid-round: you'll play from the next round.");
  else if (you?.recognized) setDrawing(false, `Recognized! ${ordinal(you.place)} · ${seconds(you.elapsed_ms)}`);
  else setDrawing(true);
  showPhase("round");
  clearInterval(timerInterval);
  timerInterval = setInterval(tick, TICK_MS);
  tick();
}

function restoreDrawing(raw) {
  const strokes = fromRaw(raw);
  if (strokes.length === 0) return;
  drawing.strokes = strokes;
  drawing.space = pad.size;
  drawing.origin = performance.now() - Math.max(...strokes.flat().map((p) => p[2]));
  drawing.lastT = Math.max(...strokes.flat().map((p) => p[2]));
  drawing.sentCounts = strokes.map((stroke) => stroke.length);
}

function endRound() {
  setDrawing(false);
  clearInterval(timerInterval);
  $("#timer").textContent = "";
  state.round = null;
  drawing.clear();
  pad.redraw();
}

function tick() {
  if (!state.round) return;
  const left = Math.max(0, state.round.deadlineAt - Date.now());
  $("#timer").textContent = `${Math.ceil(left / MS_PER_S)} s`;
  if (left === 0) setDrawing(false, state.drawing ? "Time's up!" : $("#pad-note").textContent);
}

// --- rendering ---

function listItem(title, detail, data = {}) {
  const item = document.createElement("li");
  for (const [key, value] of Object.entries(data)) item.dataset[key] = String(value);
  item.innerHTML = "<span class='item-title'></span> <span class='item-detail'></span>";
  item.querySelector(".item-title").textContent = title;
  item.querySelector(".item-detail").textContent = detail;
  return item;
}

function renderPlayers(players) {
  $("#players").replaceChildren(
    ...players.map((p) => {
      const flags = [p.host ? "host" : "", p.connected ? "" : "away", p.spectator ? "watching" : ""].filter(Boolean);
      const name = p.id === state.me ? `${p.name} (you)` : p.name;
      return listItem(name, `${p.score} points${flags.length ? ` · ${flags.join(", ")}` : ""}`, { player: p.id });
    }),
  );
}

function picture(url, alt) {
  const image = document.createElement("img");
  image.src = url;
  image.alt = alt;
  image.width = 120;
  image.height = 120;
  return image;
}

function resultItem(result) {
  const detail = result.recognized ? `${ordinal(result.place)} · ${seconds(result.elapsed_ms)} · +${result.points}` : "not recognized";
  const item = listItem(result.name, detail, { player: result.player, recognized: result.recognized });
  if (result.picture) item.prepend(picture(result.picture, `${result.name}'s drawing`));
  return item;
}

function galleryItem(entry) {
  const figure = document.createElement("figure");
  figure.className = "gallery-item";
  figure.append(picture(entry.picture, `${entry.name}: ${entry.prompt}`));
  const caption = document.createElement("figcaption");
  caption.textContent = `${entry.prompt} · ${entry.name}${entry.recognized ? ` · ${seconds(entry.elapsed_ms)}` : ""}`;
  figure.append(caption);
  return figure;
}

// --- controls ---

// Join is disabled in the HTML until this module has loaded: an earlier click would submit the form natively.
$("#join").disabled = false;
$("#join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  // The form shows before the socket opens; a click that early must not be lost.
  if (socket.isOpen) sendJoin($("#name").value);
  else pendingName = $("#name").value;
});

function startGame() {
  socket.send({ type: "start", rounds: Number($("#rounds").value), seconds: Number($("#seconds").value) });
}

$("#start-form").addEventListener("submit", (event) => {
  event.preventDefault();
  startGame();
});
$("#again").addEventListener("click", startGame);

$("#copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(window.location.href);
    toast("Link copied", "success");
  } catch {
    toast(window.location.href, "info");
  }
});

window.drawsiteGame = { state, drawing, socket }; // for the browser tests
socket.connect();
