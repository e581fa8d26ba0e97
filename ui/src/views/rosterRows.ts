import type { RosterItem } from "../bindings";
import type { RosterStore } from "../state/roster";
import { el, setText } from "../dom";
import { t } from "../i18n";

/** Heights of the roster's rows; must match `.roster-list > li` in styles.css. */
export const CONTACT_ROW_HEIGHT = 40;
export const GROUP_ROW_HEIGHT = 32;

export interface Row {
  readonly jid: string;
  readonly el: HTMLLIElement;
  readonly dot: HTMLSpanElement;
  readonly name: HTMLSpanElement;
  readonly status: HTMLSpanElement;
}

export interface Group {
  /** Group name; "" is the ungrouped "Contacts" group. */
  readonly key: string;
  /** The group's header row. */
  readonly el: HTMLLIElement;
  readonly toggle: HTMLButtonElement;
  readonly label: HTMLSpanElement;
  readonly count: HTMLSpanElement;
  /** Members, sorted: online first, then by display name. */
  jids: string[];
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

export function compareGroups(a: string, b: string): number {
  if (a === "" || b === "") return (a === "" ? 1 : 0) - (b === "" ? 1 : 0);
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Online first, then display name, then JID. */
export function contactComparator(roster: RosterStore): (a: string, b: string) => number {
  return (a, b) => {
    const onlineA = roster.show(a) === "offline" ? 1 : 0;
    const onlineB = roster.show(b) === "offline" ? 1 : 0;
    return onlineA - onlineB || collator.compare(roster.name(a), roster.name(b)) || (a < b ? -1 : a > b ? 1 : 0);
  };
}

/** Index at which `jid` belongs in the sorted `list` (after equal entries). */
export function insertionIndex(list: string[], jid: string, cmp: (a: string, b: string) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid]!, jid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createGroup(key: string, onToggle: (g: Group) => void): Group {
  const label = el("span", { class: "group-name" });
  const count = el("span", { class: "group-count" });
  const toggle = el("button", { type: "button", class: "group-toggle", "aria-expanded": "true" }, label, count);
  const root = el("li", { class: "roster-group", "data-testid": "roster-group", "data-group": key }, toggle);
  const group: Group = { key, el: root, toggle, label, count, jids: [] };
  toggle.addEventListener("click", () => onToggle(group));
  return group;
}

/**
 * Who sees whose presence, in words: "from"/"to" alone mean little to
 * users, and a refused or unanswered request otherwise looks the same as
 * someone who is just offline.
 */
export function subscriptionSentence(item: Pick<RosterItem, "subscription" | "pendingOut">): string {
  const state = t(`subscription.${item.subscription}`);
  return item.pendingOut ? t("subscription.pending", { state }) : state;
}

/** The row of `jid` under the group `group`. */
export function createRow(jid: string, group: string): Row {
  const dot = el("span", { class: "dot", role: "img" });
  const name = el("span", { class: "contact-name" });
  const status = el("span", { class: "contact-status" });
  const row = el(
    "li",
    { class: "contact", "data-testid": "roster-contact", "data-jid": jid, "data-group": group, tabindex: 0, title: jid },
    dot,
    el("span", { class: "contact-text" }, name, status),
  );
  return { jid, el: row, dot, name, status };
}

/** Brings a row's dot, name and status up to date, touching only what changed. */
export function updateRow(row: Row, roster: RosterStore): void {
  const best = roster.best(row.jid);
  const show = best?.show ?? "offline";
  if (row.el.dataset.show !== show) {
    row.el.dataset.show = show;
    row.dot.className = `dot show-${show}`;
    row.el.classList.toggle("offline", show === "offline");
  }
  const label = t(`show.${show}`);
  if (row.dot.getAttribute("aria-label") !== label) row.dot.setAttribute("aria-label", label);
  setText(row.name, roster.name(row.jid));
  const item = roster.items.get(row.jid);
  const pending = item?.pendingOut ? t("roster.pending") : "";
  setText(row.status, best?.status ?? (show === "offline" ? pending : ""));
  const title = item ? `${row.jid}\n${subscriptionSentence(item)}` : row.jid;
  if (row.el.title !== title) row.el.title = title;
}
