// Guesses read aloud with the Web Speech API. Off until the person turns it on; the choice is
// remembered. Where speechSynthesis is missing the toggle says so and stays off.

const STORAGE_KEY = "drawsite.speech";
const SETTLE_MS = 450; // say a new top guess only once it has held this long (mid-stroke it flickers)
const SPEECH_RATE = 1.05;

function storedChoice() {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === "on";
  } catch {
    return false; // storage blocked (private mode, policies): default off
  }
}

export class Speaker {
  constructor() {
    this.supported = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
    this.enabled = this.supported && storedChoice();
    this.lastSaid = null;
    this.timer = null;
  }

  setEnabled(enabled) {
    this.enabled = this.supported && enabled;
    try {
      window.localStorage.setItem(STORAGE_KEY, this.enabled ? "on" : "off");
    } catch {
      // not remembered across visits; it still works for this one
    }
    if (!this.enabled) this.stop();
  }

  /**
   * Says `text` once it has stayed the latest for a moment, unless `key` (the top label) is what was
   * said last; null text forgets the last thing said (a new drawing).
   */
  say(text, key = text) {
    clearTimeout(this.timer);
    if (text === null) {
      this.lastSaid = null;
      return;
    }
    if (!this.enabled || key === this.lastSaid) return;
    this.timer = setTimeout(() => {
      this.lastSaid = key;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = SPEECH_RATE;
      utterance.lang = document.documentElement.lang || "en";
      window.speechSynthesis.cancel(); // a stale guess is worse than none
      window.speechSynthesis.speak(utterance);
    }, SETTLE_MS);
  }

  stop() {
    clearTimeout(this.timer);
    this.lastSaid = null;
    if (this.supported) window.speechSynthesis.cancel();
  }
}
