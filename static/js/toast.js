// Short notices at the bottom of the screen ("Saved!"), announced to screen readers.

const TOAST_MS = 3200;
const LEAVE_MS = 300; // matches the toast fade-out in site.css

/** Shows `text`; `kind` is "info", "success" or "error". */
export function toast(text, kind = "info", duration = TOAST_MS) {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = document.createElement("div");
  item.className = `toast toast-${kind}`;
  item.setAttribute("role", kind === "error" ? "alert" : "status");
  item.textContent = text;
  region.append(item);
  setTimeout(() => {
    item.classList.add("is-leaving");
    setTimeout(() => item.remove(), LEAVE_MS);
  }, duration);
}
