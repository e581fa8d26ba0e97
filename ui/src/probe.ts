import type { Backend } from "./backend";

/** How often the timer asks to run; a later run means the thread was busy. */
const TICK_MS = 10;

/**
 * Benchmarks only (`HEARTH_UI_PROBE=1` for the backend): measure the page's
 * longest main-thread stall — how late a 10 ms timer runs — and report it
 * to the backend's log every reporting window. Does nothing otherwise.
 */
export async function startProbe(backend: Backend): Promise<() => void> {
  const windowMs = await backend.invoke("ui_probe_interval", {}).catch(() => null);
  if (windowMs === null) return () => undefined;
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  const report = setInterval(() => {
    const maxStallMs = Math.max(0, Math.round(worst));
    worst = 0;
    void backend.invoke("ui_probe_report", { report: { maxStallMs, windowMs } }).catch(() => undefined);
  }, windowMs);
  return () => {
    clearInterval(tick);
    clearInterval(report);
  };
}
