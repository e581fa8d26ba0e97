import { afterEach } from "vitest";
import { startApp, type App } from "../src/app";
import type { ChatMessage, ConnectionSettings, ContactPresence, ErrorCode, Occupant, Problem, RosterItem, SavedLogin } from "../src/bindings";
import { initI18n } from "../src/i18n";
import { MockBackend } from "../src/mockBackend";
import { fallbackConnectionSettings } from "../src/settingsDefaults";
import { badgePacing } from "../src/views/tabs";
import "./layout";

let current: App | null = null;

afterEach(() => {
  current?.dispose();
  current = null;
  document.body.replaceChildren();
});

/** Lets pending promises and zero-delay timers run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits until paced unread badges have been redrawn. */
export async function badgesDrawn(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, badgePacing.intervalMs + 20));
  await settle();
}

export interface Booted {
  app: App;
  mock: MockBackend;
}

/** Starts the app against a fresh MockBackend (scripted by `setup`) in English. */
export async function boot(setup?: (mock: MockBackend) => void): Promise<Booted> {
  localStorage.clear();
  initI18n();
  document.body.replaceChildren();
  const root = document.createElement("div");
  document.body.append(root);
  const mock = new MockBackend();
  setup?.(mock);
  const app = await startApp(root, mock);
  current = app;
  await settle();
  return { app, mock };
}

/** Starts straight on the main screen, already online as me@company.com. */
export function bootOnline(setup?: (mock: MockBackend) => void): Promise<Booted> {
  return boot((mock) => {
    mock.on("connection_state", () => ({ state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false }));
    setup?.(mock);
  });
}

export function q<T extends HTMLElement = HTMLElement>(testid: string, extra = "", root: ParentNode = document): T | null {
  return root.querySelector<T>(`[data-testid="${testid}"]${extra}`);
}

export function get<T extends HTMLElement = HTMLElement>(testid: string, extra = "", root: ParentNode = document): T {
  const node = q<T>(testid, extra, root);
  if (!node) throw new Error(`no [data-testid="${testid}"]${extra}`);
  return node;
}

export function all<T extends HTMLElement = HTMLElement>(testid: string, extra = "", root: ParentNode = document): T[] {
  return [...root.querySelectorAll<T>(`[data-testid="${testid}"]${extra}`)];
}

export function typeInto(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function check(input: HTMLInputElement, checked: boolean): void {
  input.checked = checked;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

export function press(target: Element | Document, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

export function dblclick(target: Element): void {
  target.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
}

export function contact(jid: string, name: string | null, groups: string[] = []): RosterItem {
  return { jid, name, groups, subscription: "both", pendingOut: false };
}

export function online(jid: string, show: ContactPresence["resources"][number]["show"] = "available", status: string | null = null, priority = 0): ContactPresence {
  return { jid, resources: [{ resource: "pc", show, status, priority }] };
}

let nextId = 1;
export function msg(partial: Partial<ChatMessage> & { peer: string }): ChatMessage {
  const id = partial.id ?? nextId++;
  return {
    id, direction: "in", kind: "chat", body: `message ${id}`, subject: null,
    timestamp: 1_700_000_000_000 + id * 1000, stanzaId: null, originId: null, state: "received", error: null, sender: null,
    mentionsMe: false, edited: null, retracted: false, reply: null, reactions: [], unstyled: false,
    ...partial,
  };
}

/** Connection settings: the defaults with some changes. */
export function settings(partial: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { ...fallbackConnectionSettings(), ...partial };
}

/** A saved_login answer: nothing remembered, default settings, with some changes. */
export function savedLogin(partial: Partial<SavedLogin> & { jid: string }): SavedLogin {
  return {
    remember: false, autoLogin: false, connection: settings(), hasPassword: false, hasProxyPassword: false, demoPassword: null,
    ...partial,
  };
}

/** A room occupant: an available participant unless told otherwise. */
export function occ(nick: string, partial: Partial<Occupant> = {}): Occupant {
  return { nick, role: "participant", affiliation: "none", realJid: null, show: "available", status: null, ...partial };
}

/** A problem as the core sends it: a code and, optionally, its parameters. */
export function problem(code: ErrorCode, partial: Partial<Problem> = {}): Problem {
  return { code, condition: null, serverText: null, field: null, detail: null, limit: null, ...partial };
}

/** Online, with `jid` in the roster and their conversation open. */
export async function openChat(jid: string, name: string, setup?: (mock: MockBackend) => void): Promise<Booted> {
  const booted = await bootOnline((m) => {
    m.on("roster_snapshot", () => ({ items: [contact(jid, name)], presences: [], requests: { jids: [], more: 0 } }));
    setup?.(m);
  });
  dblclick(get("roster-contact", `[data-jid="${jid}"]`));
  await settle();
  return booted;
}
