// A random name for one drawing (docs/protocol.md, "Drawing key"): the server saves a drawing under it,
// so the save after a reconnect updates the one made when the connection dropped instead of adding a
// second. 128 random bits as 32 hex digits; crypto.getRandomValues also works on plain-http pages,
// where crypto.randomUUID (secure contexts only) is missing.
const KEY_BYTES = 16;
const HEX = 16;

/** `fill` is crypto.getRandomValues (swappable for the tests). */
export function newDrawingKey(fill = (bytes) => crypto.getRandomValues(bytes)) {
  return Array.from(fill(new Uint8Array(KEY_BYTES)), (byte) => byte.toString(HEX).padStart(2, "0")).join("");
}
