import type { App } from "../app";
import { el, setHidden, setText, type Disposer } from "../dom";
import { onLangChange, t, tattr, tx } from "../i18n";
import {
  compareGroups, contactComparator, createGroup, createRow, insertionIndex, updateRow, type Group,
} from "./rosterRows";

const COLLAPSED_KEY = "hearth.collapsedGroups";

function loadCollapsed(): Set<string> {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? "[]");
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

/**
 * Grouped, filterable contact list. Rows are kept per (group, jid) and reused:
 * a presence change updates and, if needed, moves only the affected rows.
 * Collapsed groups render no rows at all.
 */
export function createRosterView(app: App, disposer: Disposer): HTMLElement {
  const roster = app.roster;
  const cmp = contactComparator(roster);
  const groups = new Map<string, Group>();
  const collapsed = loadCollapsed();
  const searchKeys = new Map<string, string>();
  let query = "";

  const filter = el("input", {
    id: "roster-filter", type: "search", "data-testid": "roster-filter", autocomplete: "off",
    ...tattr("placeholder", "roster.filter"),
  });
  const groupsBox = el("div", { class: "roster-groups" });
  const empty = el("p", { class: "roster-empty", hidden: true });

  const isOpen = (g: Group): boolean => query !== "" || !collapsed.has(g.key);
  const matches = (jid: string): boolean => query === "" || (searchKeys.get(jid) ?? jid).includes(query);
  const groupKeys = (jid: string): string[] => {
    const names = roster.items.get(jid)?.groups ?? [];
    return names.length > 0 ? [...new Set(names)] : [""];
  };

  function renderRows(g: Group): void {
    if (!isOpen(g)) {
      if (g.rows.size > 0) {
        g.rows.clear();
        g.list.replaceChildren();
      }
      return;
    }
    const keep = new Set(g.jids);
    for (const [jid, row] of g.rows) {
      if (!keep.has(jid)) {
        row.el.remove();
        g.rows.delete(jid);
      }
    }
    let cursor = g.list.firstChild;
    for (const jid of g.jids) {
      let row = g.rows.get(jid);
      if (!row) {
        row = createRow(jid);
        g.rows.set(jid, row);
      }
      updateRow(row, roster);
      setHidden(row.el, !matches(jid));
      if (row.el === cursor) cursor = cursor.nextSibling;
      else g.list.insertBefore(row.el, cursor);
    }
  }

  function updateGroupHeader(g: Group): void {
    setText(g.label, g.key === "" ? t("roster.defaultGroup") : g.key);
    let online = 0;
    let visible = 0;
    for (const jid of g.jids) {
      if (roster.show(jid) !== "offline") online++;
      if (matches(jid)) visible++;
    }
    setText(g.count, `${online}/${g.jids.length}`);
    g.toggle.setAttribute("aria-expanded", String(isOpen(g)));
    setHidden(g.el, visible === 0);
  }

  function updateEmpty(): void {
    const anyVisible = [...groups.values()].some((g) => !g.el.hidden);
    setText(empty, roster.items.size === 0 ? t("roster.empty") : t("roster.noMatch"));
    setHidden(empty, anyVisible);
  }

  function toggle(g: Group): void {
    if (collapsed.has(g.key)) collapsed.delete(g.key);
    else collapsed.add(g.key);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...collapsed]));
    } catch {
      // not persisted
    }
    renderRows(g);
    updateGroupHeader(g);
  }

  /** Full roster replaced: regroup, reusing group and row elements. */
  function rebuild(): void {
    const members = new Map<string, string[]>();
    searchKeys.clear();
    for (const item of roster.items.values()) {
      searchKeys.set(item.jid, `${roster.name(item.jid)}\n${item.jid}`.toLowerCase());
      for (const key of groupKeys(item.jid)) {
        const list = members.get(key) ?? [];
        list.push(item.jid);
        members.set(key, list);
      }
    }
    for (const [key, g] of groups) {
      if (!members.has(key)) {
        g.el.remove();
        groups.delete(key);
      }
    }
    const keys = [...members.keys()].sort(compareGroups);
    let cursor = groupsBox.firstChild;
    for (const key of keys) {
      let g = groups.get(key);
      if (!g) {
        g = createGroup(key, toggle);
        groups.set(key, g);
      }
      g.jids = (members.get(key) ?? []).sort(cmp);
      renderRows(g);
      updateGroupHeader(g);
      if (g.el === cursor) cursor = cursor.nextSibling;
      else groupsBox.insertBefore(g.el, cursor);
    }
    updateEmpty();
  }

  /** Presence of some contacts changed: update and re-position only their rows. */
  function onPresence(jids: string[]): void {
    const touched = new Map<Group, string[]>();
    for (const jid of new Set(jids)) {
      if (!roster.items.has(jid)) continue;
      for (const key of groupKeys(jid)) {
        const g = groups.get(key);
        if (!g) continue;
        const list = touched.get(g) ?? [];
        list.push(jid);
        touched.set(g, list);
      }
    }
    for (const [g, changed] of touched) {
      const moved = new Set(changed);
      g.jids = g.jids.filter((jid) => !moved.has(jid));
      for (const jid of changed) g.jids.splice(insertionIndex(g.jids, jid, cmp), 0, jid);
      // Place rows from the bottom up, each right before its successor: only rows
      // whose position really changed are moved.
      const placed = changed.map((jid) => ({ jid, index: g.jids.indexOf(jid) })).sort((a, b) => b.index - a.index);
      for (const { jid, index } of placed) {
        const row = g.rows.get(jid);
        if (!row) continue;
        updateRow(row, roster);
        const next = g.jids[index + 1];
        const nextEl = next === undefined ? null : (g.rows.get(next)?.el ?? null);
        if (row.el.nextSibling !== nextEl) g.list.insertBefore(row.el, nextEl);
      }
      updateGroupHeader(g);
    }
  }

  function applyFilter(): void {
    const next = filter.value.trim().toLowerCase();
    if (next === query) return;
    query = next;
    for (const g of groups.values()) {
      renderRows(g);
      updateGroupHeader(g);
    }
    updateEmpty();
  }

  function relabel(): void {
    for (const g of groups.values()) {
      for (const row of g.rows.values()) updateRow(row, roster);
      updateGroupHeader(g);
    }
    updateEmpty();
  }

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      filter.value = "";
      applyFilter();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      groupsBox.querySelector<HTMLElement>('[data-testid="roster-contact"]:not([hidden])')?.focus();
    }
  });
  groupsBox.addEventListener("dblclick", (e) => openFrom(e.target));
  groupsBox.addEventListener("keydown", (e) => {
    const row = (e.target as Element).closest<HTMLElement>('[data-testid="roster-contact"]');
    if (!row) return;
    if (e.key === "Enter") {
      e.preventDefault();
      openFrom(row);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const rows = [...groupsBox.querySelectorAll<HTMLElement>('[data-testid="roster-contact"]:not([hidden])')];
      rows[rows.indexOf(row) + (e.key === "ArrowDown" ? 1 : -1)]?.focus();
    }
  });

  function openFrom(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest<HTMLElement>('[data-testid="roster-contact"]') : null;
    const jid = row?.dataset.jid;
    if (!jid) return;
    app.chat.open(jid, true);
    document.querySelector<HTMLElement>('[data-testid="composer-input"]')?.focus();
  }

  disposer.add(roster.itemsChanged.on(rebuild));
  disposer.add(roster.presenceChanged.on(onPresence));
  disposer.add(onLangChange(relabel));
  rebuild();

  return el(
    "nav",
    { class: "roster", ...tattr("aria-label", "roster.label") },
    el("div", { class: "roster-filter" }, tx("label", "roster.filter", { for: "roster-filter", class: "visually-hidden" }), filter),
    groupsBox,
    empty,
  );
}
