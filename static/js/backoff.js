// Reconnect delays: exponential backoff with "equal jitter" (half fixed, half random), so that many
// clients dropped together do not all knock again at the same instant.
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_FACTOR = 2;
export const BACKOFF_MAX_MS = 15000;

/** Delay before reconnect attempt number `attempt` (0-based); `random` returns a number in [0, 1). */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.max(0, attempt));
  return ceiling / 2 + random() * (ceiling / 2);
}
