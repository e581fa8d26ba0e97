import { el, type Attrs } from "../dom";
import { en } from "./en";
import { pick, type Entry } from "./plural";
import { zhCN } from "./zh-CN";

export type Key = keyof typeof en;
export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

const dictionaries: Record<Lang, Record<Key, Entry>> = { en, "zh-CN": zhCN };
const STORAGE_KEY = "hearth.lang";
const listeners = new Set<() => void>();
let current: Lang = "en";

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/** Stored choice first, then the system language (zh* → 简体中文, anything else → English). */
export function detectLang(): Lang {
  const stored = readStored();
  if (isLang(stored)) return stored;
  const nav = typeof navigator !== "undefined" ? navigator.language ?? "" : "";
  return nav.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function initI18n(): void {
  applyLang(detectLang());
}

export function getLang(): Lang {
  return current;
}

/** Switches language, persists it and relabels everything on screen. */
export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage unavailable: the choice just lasts for this session
  }
  applyLang(lang);
}

function applyLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  applyI18n(document);
  for (const fn of [...listeners]) fn();
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Whether the dictionaries have `key` (for keys built from codes). */
export function isKey(key: string): key is Key {
  return Object.hasOwn(en, key);
}

/**
 * The text of `key` in the current language with `{name}` replaced by
 * `params`; a numeric `count` also picks the plural form.
 */
export function t(key: Key, params?: Record<string, string | number>): string {
  const count = typeof params?.count === "number" ? params.count : undefined;
  const text = pick(dictionaries[current][key] ?? en[key], current, count);
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

const I18N_ATTRS = ["placeholder", "title", "aria-label"] as const;
type I18nAttr = (typeof I18N_ATTRS)[number];

/** Re-applies static translations: `data-i18n` (text) and `data-i18n-<attr>` (attributes). */
export function applyI18n(root: ParentNode): void {
  for (const node of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n as Key);
  }
  for (const attr of I18N_ATTRS) {
    for (const node of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      node.setAttribute(attr, t(node.getAttribute(`data-i18n-${attr}`) as Key));
    }
  }
}

/** An element whose whole text is the translation of `key` (kept up to date on switch). */
export function tx<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  key: Key,
  attrs?: Attrs | null,
): HTMLElementTagNameMap[K] {
  return el(tag, { ...attrs, "data-i18n": key }, t(key));
}

/** Attributes for a translated attribute value (kept up to date on switch). */
export function tattr(attr: I18nAttr, key: Key): Attrs {
  return { [attr]: t(key), [`data-i18n-${attr}`]: key };
}

/** Points a translated element at another key. */
export function retranslate(node: HTMLElement, key: Key): void {
  node.dataset.i18n = key;
  node.textContent = t(key);
}

/** How many language listeners are subscribed (a disposed view leaves none behind). */
export function langListenerCount(): number {
  return listeners.size;
}
