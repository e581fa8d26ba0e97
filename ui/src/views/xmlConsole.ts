import { toIpcError } from "../backend";
import type { ConsoleEntry } from "../bindings";
import type { Backend } from "../backend";
import { Disposer, el, setHidden } from "../dom";
import { problemNodes } from "../errors";
import { tattr, tx } from "../i18n";
import { formatClock } from "../time";
import type { Calls, View } from "./view";

export interface XmlConsoleContext {
  readonly backend: Calls<"set_console_open" | "send_raw"> & Pick<Backend, "listen">;
}

/** The console panel (`el`), the button that shows it, and opening it from code. */
export interface XmlConsole extends View {
  readonly toggle: HTMLElement;
  open(): Promise<void>;
}

/** Lines kept; older ones scroll away. */
export const CONSOLE_KEEP = 2000;

/** Indents XML one element per line (for reading, not for sending). */
export function prettyXml(xml: string): string {
  const parts = xml.replace(/>\s*</g, "><").split(/(?=<)|(?<=>)/).filter((p) => p.trim() !== "");
  let depth = 0;
  const lines: string[] = [];
  for (const part of parts) {
    const closing = part.startsWith("</");
    const opening = part.startsWith("<") && !closing && !part.endsWith("/>") && !part.startsWith("<?");
    if (closing) depth = Math.max(0, depth - 1);
    lines.push("  ".repeat(depth) + part);
    if (opening) depth++;
  }
  return lines.join("\n");
}

/**
 * The XML console: live traffic of the account (passwords redacted by the
 * backend), filter, pause, pretty-print, copy, and sending raw XML.
 * Recording runs only while the console is open.
 */
export function createXmlConsole(ctx: XmlConsoleContext): XmlConsole {
  const disposer = new Disposer();
  const entries: ConsoleEntry[] = [];
  const held: ConsoleEntry[] = [];
  const list = el("ol", { class: "console-list", "data-testid": "console-list" });
  const filter = el("input", { type: "search", "data-testid": "console-filter", ...tattr("placeholder", "console.filter") });
  const pause = el("input", { type: "checkbox", "data-testid": "console-pause" });
  const pretty = el("input", { type: "checkbox", "data-testid": "console-pretty" });
  const input = el("textarea", { class: "console-input", "data-testid": "console-input", rows: 3, spellcheck: "false", ...tattr("placeholder", "console.placeholder") });
  const errorBox = el("p", { class: "login-error", role: "alert", "data-testid": "console-error", hidden: true });
  const send = tx("button", "console.send", { type: "button", "data-testid": "console-send", onclick: () => void onSend() });
  const copy = tx("button", "console.copy", { type: "button", "data-testid": "console-copy", onclick: () => void onCopy() });
  const clear = tx("button", "console.clear", { type: "button", onclick: () => { entries.length = 0; render(); } });
  const panel = el(
    "section",
    { class: "xml-console", "data-testid": "console-panel", hidden: true, "aria-label": "XML" },
    el(
      "div",
      { class: "console-tools" },
      tx("h2", "console.title"),
      filter,
      el("label", null, pause, tx("span", "console.pause")),
      el("label", null, pretty, tx("span", "console.pretty")),
      copy,
      clear,
    ),
    list,
    el("div", { class: "console-send" }, input, send),
    errorBox,
  );
  const toggle = tx("button", "console.toggle", { type: "button", "data-testid": "console-toggle", onclick: () => void setOpen(panel.hidden) });

  const visible = (): ConsoleEntry[] => {
    const q = filter.value.trim().toLowerCase();
    return q === "" ? entries : entries.filter((e) => e.xml.toLowerCase().includes(q));
  };

  function line(e: ConsoleEntry): HTMLElement {
    return el(
      "li",
      { class: `console-entry ${e.direction}`, "data-testid": "console-entry", "data-direction": e.direction },
      el("span", { class: "console-meta" }, `${formatClock(new Date(e.timestamp))} ${e.direction === "in" ? "←" : "→"}`),
      el("pre", null, pretty.checked ? prettyXml(e.xml) : e.xml),
    );
  }

  function render(): void {
    list.replaceChildren(...visible().map(line));
    list.scrollTop = list.scrollHeight;
  }

  function add(batch: ConsoleEntry[]): void {
    if (pause.checked) {
      held.push(...batch);
      held.splice(0, Math.max(0, held.length - CONSOLE_KEEP));
      return;
    }
    entries.push(...batch);
    if (entries.length > CONSOLE_KEEP) {
      entries.splice(0, entries.length - CONSOLE_KEEP);
      render();
      return;
    }
    const q = filter.value.trim().toLowerCase();
    for (const e of batch) if (q === "" || e.xml.toLowerCase().includes(q)) list.append(line(e));
    list.scrollTop = list.scrollHeight;
  }

  async function setOpen(open: boolean): Promise<void> {
    setHidden(panel, !open);
    await ctx.backend.invoke("set_console_open", { open }).catch(() => undefined);
  }

  async function onSend(): Promise<void> {
    const xml = input.value.trim();
    if (xml === "") return;
    setHidden(errorBox, true);
    try {
      await ctx.backend.invoke("send_raw", { args: { xml } });
      input.value = "";
    } catch (e) {
      errorBox.replaceChildren(...problemNodes(toIpcError(e)));
      setHidden(errorBox, false);
    }
  }

  async function onCopy(): Promise<void> {
    const text = visible().map((e) => `${new Date(e.timestamp).toISOString()} ${e.direction === "in" ? "<-" : "->"} ${e.xml}`).join("\n");
    await navigator.clipboard?.writeText(text).catch(() => undefined);
  }

  filter.addEventListener("input", render);
  pretty.addEventListener("change", render);
  pause.addEventListener("change", () => {
    if (!pause.checked && held.length) add(held.splice(0));
  });
  let disposed = false;
  void ctx.backend.listen("xml-console", add).then((unlisten) => {
    // Disposed before the listener was in place: release it at once.
    if (disposed) unlisten();
    else disposer.add(unlisten);
  });
  disposer.add(() => {
    if (!panel.hidden) void ctx.backend.invoke("set_console_open", { open: false }).catch(() => undefined);
  });
  return {
    el: panel,
    toggle,
    open: () => setOpen(true),
    dispose: () => {
      disposed = true;
      disposer.dispose();
    },
  };
}
