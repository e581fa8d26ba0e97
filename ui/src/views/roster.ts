import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, t, tattr, tx } from "../i18n";
import type { RosterStore } from "../state/roster";
import { createContactActions, type ContactActionsContext } from "./contactActions";
import {
  compareGroups, contactComparator, CONTACT_ROW_HEIGHT, createGroup, createRow, GROUP_ROW_HEIGHT, insertionIndex, updateRow,
  type Group, type Row,
} from "./rosterRows";
import { viewOf, type View } from "./view";
import { createVirtualList } from "./virtualList";

const COLLAPSED_KEY = "hearth.collapsedGroups";

function loadCollapsed(): Set<string> {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? "[]");
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

export type RosterViewContext = ContactActionsContext & {
  readonly roster: RosterStore;
  readonly chat: Pick<ChatController, "open">;
};

/** One row of the flat list: a group's header, or a contact under it. */
type Entry = { readonly group: Group; readonly jid?: string };

const rowKey = (group: string, jid: string): string => `${group}\n${jid}`;

/**
 * Grouped, filterable contact list, virtualised: one flat list of group
 * headers and contact rows of which only those in view exist, so 20,000
 * contacts cost the DOM a screenful. Rows are kept per (group, jid) while
 * in view: a presence change refills and, if needed, moves only the
 * affected rows. Collapsed groups list no rows at all.
 */
export function createRosterView(ctx: RosterViewContext): View {
  const disposer = new Disposer();
  const roster = ctx.roster;
  const cmp = contactComparator(roster);
  const groups = new Map<string, Group>();
  const collapsed = loadCollapsed();
  const searchKeys = new Map<string, string>();
  /** Rendered contact rows by `rowKey`. */
  const rows = new Map<string, Row>();
  let entries: Entry[] = [];
  /** Contacts whose rows the next redraw refills; null = every row. */
  let dirty: ReadonlySet<string> | null = null;
  let query = "";

  const filter = el("input", {
    id: "roster-filter", type: "search", "data-testid": "roster-filter", autocomplete: "off",
    ...tattr("placeholder", "roster.filter"),
  });
  const list = el("ul", { class: "roster-list", role: "list" });
  const scroller = el("div", { class: "roster-groups" });
  const empty = el("p", { class: "roster-empty", hidden: true });

  const isOpen = (g: Group): boolean => query !== "" || !collapsed.has(g.key);
  const matches = (jid: string): boolean => query === "" || (searchKeys.get(jid) ?? jid).includes(query);
  const groupKeys = (jid: string): string[] => {
    const names = roster.items.get(jid)?.groups ?? [];
    return names.length > 0 ? [...new Set(names)] : [""];
  };

  function updateGroupHeader(g: Group): void {
    setText(g.label, g.key === "" ? t("roster.defaultGroup") : g.key);
    let online = 0;
    for (const jid of g.jids) if (roster.show(jid) !== "offline") online++;
    setText(g.count, `${online}/${g.jids.length}`);
    g.toggle.setAttribute("aria-expanded", String(isOpen(g)));
  }

  /** The flat list: every group with a matching contact, then its matching contacts when open. */
  function flatten(): void {
    entries = [];
    for (const key of [...groups.keys()].sort(compareGroups)) {
      const g = groups.get(key)!;
      const shown = query === "" ? g.jids : g.jids.filter(matches);
      if (shown.length === 0) continue;
      entries.push({ group: g });
      if (isOpen(g)) for (const jid of shown) entries.push({ group: g, jid });
    }
    setText(empty, roster.items.size === 0 ? t("roster.empty") : t("roster.noMatch"));
    setHidden(empty, entries.length > 0);
  }

  const inView = createVirtualList({
    scroller,
    items: list,
    fixedSize: true,
    count: () => entries.length,
    estimate: (i) => (entries[i]?.jid === undefined ? GROUP_ROW_HEIGHT : CONTACT_ROW_HEIGHT),
    key: (i) => {
      const e = entries[i]!;
      return e.jid === undefined ? `group:${e.group.key}` : rowKey(e.group.key, e.jid);
    },
    row: (i) => {
      const e = entries[i]!;
      if (e.jid === undefined) return e.group.el;
      const key = rowKey(e.group.key, e.jid);
      let row = rows.get(key);
      if (!row) {
        row = createRow(e.jid, e.group.key);
        rows.set(key, row);
        updateRow(row, roster);
      } else if (dirty === null || dirty.has(e.jid)) {
        updateRow(row, roster);
      }
      return row.el;
    },
    released: (node) => {
      const jid = node.dataset.jid;
      if (jid !== undefined) rows.delete(rowKey(node.dataset.group ?? "", jid));
    },
  });
  disposer.add(() => inView.dispose());

  /** Redraws the window; rows of contacts in `changed` are refilled (null: every row). */
  function redraw(changed: ReadonlySet<string> | null): void {
    flatten();
    dirty = changed;
    inView.update();
    // Rows drawn later (scrolling) are new: they are filled anyway.
    dirty = new Set();
  }

  function toggle(g: Group): void {
    if (collapsed.has(g.key)) collapsed.delete(g.key);
    else collapsed.add(g.key);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...collapsed]));
    } catch {
      // not persisted
    }
    updateGroupHeader(g);
    redraw(new Set());
  }

  /** Full roster replaced: regroup, reusing group headers. */
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
    for (const key of groups.keys()) if (!members.has(key)) groups.delete(key);
    for (const [key, jids] of members) {
      let g = groups.get(key);
      if (!g) {
        g = createGroup(key, toggle);
        groups.set(key, g);
      }
      g.jids = jids.sort(cmp);
      updateGroupHeader(g);
    }
    redraw(null);
  }

  /** Presence of some contacts changed: re-sort and refill only their rows. */
  function onPresence(jids: string[]): void {
    const changed = new Set(jids.filter((jid) => roster.items.has(jid)));
    const touched = new Set<Group>();
    for (const jid of changed) for (const key of groupKeys(jid)) {
      const g = groups.get(key);
      if (g) touched.add(g);
    }
    for (const g of touched) {
      g.jids = g.jids.filter((jid) => !changed.has(jid));
      for (const jid of changed) if (groupKeys(jid).includes(g.key)) g.jids.splice(insertionIndex(g.jids, jid, cmp), 0, jid);
      updateGroupHeader(g);
    }
    redraw(changed);
  }

  function applyFilter(): void {
    const next = filter.value.trim().toLowerCase();
    if (next === query) return;
    query = next;
    for (const g of groups.values()) updateGroupHeader(g);
    scroller.scrollTop = 0;
    redraw(new Set());
  }

  function relabel(): void {
    for (const g of groups.values()) updateGroupHeader(g);
    redraw(null);
  }

  /** Focuses the contact row at flat index `index`, bringing it into view first. */
  function focusEntry(index: number): void {
    if (entries[index]?.jid === undefined) return;
    inView.scrollToIndex(index);
    inView.update();
    list.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus();
  }

  /** The flat index of the next contact row from `from` in direction `step`. */
  function nextContact(from: number, step: 1 | -1): number {
    for (let i = from + step; i >= 0 && i < entries.length; i += step) if (entries[i]!.jid !== undefined) return i;
    return -1;
  }

  /** Focus back on `jid`'s row: `row` if it is still drawn for them, else their first row, else the filter. */
  function refocusContact(jid: string, row: HTMLElement): void {
    if (row.isConnected && row.dataset.jid === jid) return row.focus();
    const index = entries.findIndex((e) => e.jid === jid);
    if (index >= 0) focusEntry(index);
    else filter.focus();
  }

  /** Focus on the toggle of the first of `keys` still listed, else `header`'s if it is drawn, else the filter. */
  function refocusGroup(keys: readonly string[], header: HTMLElement): void {
    for (const key of keys) {
      const index = entries.findIndex((e) => e.jid === undefined && e.group.key === key);
      if (index < 0) continue;
      inView.scrollToIndex(index);
      inView.update();
      return entries[index]!.group.toggle.focus();
    }
    const toggle = header.querySelector<HTMLElement>(".group-toggle");
    if (header.isConnected && toggle) toggle.focus();
    else filter.focus();
  }
  const actions = createContactActions(ctx, { contact: refocusContact, group: refocusGroup });

  /** The header row of a group with a menu (not the ungrouped "Contacts") that `target` is in. */
  const groupHeader = (target: EventTarget | null): HTMLElement | null => {
    const header = target instanceof Element ? target.closest<HTMLElement>("li.roster-group[data-group]") : null;
    return header && header.dataset.group !== "" ? header : null;
  };
  disposer.add(() => actions.dispose());

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      filter.value = "";
      applyFilter();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      focusEntry(nextContact(-1, 1));
    }
  });
  list.addEventListener("dblclick", (e) => openFrom(e.target));
  list.addEventListener("contextmenu", (e) => {
    const header = groupHeader(e.target);
    if (header) {
      e.preventDefault();
      const group = header.dataset.group ?? "";
      if (actions.groupMenuJustOpened(group, 300)) return;
      header.querySelector<HTMLElement>(".group-toggle")?.focus();
      actions.openGroupMenu(header, e.clientX === 0 && e.clientY === 0 ? null : { x: e.clientX, y: e.clientY });
      return;
    }
    const row = (e.target as Element).closest<HTMLElement>('[data-testid="roster-contact"]');
    if (!row) return;
    e.preventDefault();
    // The ContextMenu key and Shift+F10 may also fire this after their
    // keydown opened the menu already.
    if (actions.menuJustOpened(row.dataset.jid ?? "", 300)) return;
    row.focus();
    // A contextmenu from the keyboard has no pointer position.
    actions.openMenu(row, e.clientX === 0 && e.clientY === 0 ? null : { x: e.clientX, y: e.clientY });
  });
  list.addEventListener("keydown", (e) => {
    const header = groupHeader(e.target);
    if (header && (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey))) {
      e.preventDefault();
      actions.openGroupMenu(header, null);
      return;
    }
    const row = (e.target as Element).closest<HTMLElement>('[data-testid="roster-contact"]');
    if (!row) return;
    if (e.key === "Enter") {
      e.preventDefault();
      openFrom(row);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      focusEntry(nextContact(Number(row.dataset.index), e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      actions.openMenu(row, null);
    }
  });

  function openFrom(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest<HTMLElement>('[data-testid="roster-contact"]') : null;
    const jid = row?.dataset.jid;
    if (!jid) return;
    ctx.chat.open(jid, true);
    document.querySelector<HTMLElement>('[data-testid="composer-input"]')?.focus();
  }

  disposer.add(roster.itemsChanged.on(rebuild));
  disposer.add(roster.presenceChanged.on(onPresence));
  disposer.add(onLangChange(relabel));
  rebuild();

  return viewOf(
    el(
      "nav",
      { class: "roster", ...tattr("aria-label", "roster.label") },
      el("div", { class: "roster-filter" }, tx("label", "roster.filter", { for: "roster-filter", class: "visually-hidden" }), filter),
      scroller,
      empty,
    ),
    disposer,
  );
}
