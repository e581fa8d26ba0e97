import "./styles.css";
import { startApp } from "./app";
import type { Backend } from "./backend";
import { tauriBackend } from "./backend";
import { initI18n } from "./i18n";
import { startProbe } from "./probe";

async function pickBackend(): Promise<Backend> {
  if ("__TAURI_INTERNALS__" in window) return tauriBackend;
  // Plain browser (`npm run dev`): an in-memory demo, loaded only in that case.
  const { createDemoBackend } = await import("./demoBackend");
  return createDemoBackend();
}

async function main(): Promise<void> {
  initI18n();
  const root = document.getElementById("app");
  if (!root) throw new Error("#app missing from index.html");
  const backend = await pickBackend();
  await startApp(root, backend);
  void startProbe(backend);
}

void main();
