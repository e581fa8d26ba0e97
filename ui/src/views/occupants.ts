import { shown } from "../bidi";
import type { Occupant, Role } from "../bindings";
import type { ChatController } from "../chat";
import { Disposer, el, setText } from "../dom";
import { onLangChange, t, tattr, tx } from "../i18n";
import type { OccupantChange, RoomStore } from "../state/rooms";
import { createOccupantMenu, type OccupantMenuContext } from "./occupantActions";
import { adopt, type View } from "./view";
import { createVirtualList } from "./virtualList";

/** Height of every row, header rows included; must match `.occupants-list > li` in styles.css. */
export const OCCUPANT_ROW_HEIGHT = 34;
const SECTIONS: readonly Role[] = ["moderator", "participant", "visitor", "none"];

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
const byNick = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Index of `nick` in the sorted `list`, or where it belongs (`found` false). */
function search(list: string[], nick: string): { index: number; found: boolean } {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = byNick(list[mid]!, nick);
    if (c === 0) return { index: mid, found: true };
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return { index: lo, found: false };
}

interface Row {
  readonly el: HTMLLIElement;
  readonly dot: HTMLSpanElement;
  readonly nick: HTMLSpanElement;
  readonly detail: HTMLSpanElement;
  readonly badge: HTMLSpanElement;
  readonly actions: HTMLButtonElement;
}

interface Header {
  readonly el: HTMLLIElement;
  readonly label: HTMLSpanElement;
  readonly count: HTMLSpanElement;
}

function createRow(): Row {
  const dot = el("span", { class: "dot", role: "img" });
  const nick = el("span", { class: "occupant-nick" });
  const detail = el("span", { class: "occupant-detail" });
  const badge = el("span", { class: "occupant-badge" });
  // Reached with Tab from its row (or the Menu key on the row itself).
  const actions = el("button", { type: "button", class: "occupant-actions", "data-testid": "occupant-actions", "aria-haspopup": "menu" }, "⋯");
  const row = el(
    "li",
    { class: "occupant", "data-testid": "occupant-row", tabindex: 0 },
    dot,
    el("span", { class: "occupant-text" }, nick, detail),
    badge,
    actions,
  );
  return { el: row, dot, nick, detail, badge, actions };
}

/** Shows `o` in `row`, touching only what differs (rows are reused while scrolling). */
function fillRow(row: Row, o: Occupant, self: boolean, setSize: number, position: number): void {
  const r = row.el;
  if (r.dataset.nick !== o.nick) r.dataset.nick = o.nick;
  if (r.dataset.show !== o.show) {
    r.dataset.show = o.show;
    row.dot.className = `dot show-${o.show}`;
  }
  const showLabel = t(`show.${o.show}`);
  if (row.dot.getAttribute("aria-label") !== showLabel) row.dot.setAttribute("aria-label", showLabel);
  if (r.dataset.role !== o.role) r.dataset.role = o.role;
  if (r.dataset.affiliation !== o.affiliation) r.dataset.affiliation = o.affiliation;
  if (r.classList.contains("self") !== self) r.classList.toggle("self", self);
  setText(row.nick, self ? `${shown(o.nick)} ${t("occupants.you")}` : shown(o.nick));
  // Real JID (when the room shows it), else the status message.
  setText(row.detail, o.realJid ?? o.status ?? "");
  setText(row.badge, o.affiliation === "none" ? "" : t(`affiliation.${o.affiliation}`));
  const badgeClass = `occupant-badge affiliation-${o.affiliation}`;
  if (row.badge.className !== badgeClass) row.badge.className = badgeClass;
  const title = [o.realJid, o.status, t("occupants.roles", { role: t(`role.${o.role}`), affiliation: t(`affiliation.${o.affiliation}`) })]
    .filter((x): x is string => x !== null && x !== "")
    .join("\n");
  if (r.title !== title) r.title = title;
  const actionsLabel = t("occupantActions.open", { nick: o.nick });
  if (row.actions.getAttribute("aria-label") !== actionsLabel) {
    row.actions.setAttribute("aria-label", actionsLabel);
    row.actions.title = actionsLabel;
  }
  if (row.actions.hidden !== self) row.actions.hidden = self;
  if (r.getAttribute("aria-setsize") !== String(setSize)) r.setAttribute("aria-setsize", String(setSize));
  if (r.getAttribute("aria-posinset") !== String(position)) r.setAttribute("aria-posinset", String(position));
}

function createHeader(role: Role): Header {
  const label = el("span", { class: "occupant-group-name" }, t(`occupants.${role}`));
  const count = el("span", { class: "occupant-group-count" });
  const root = el("li", { class: "occupant-group", "data-testid": "occupant-group", "data-role": role, role: "presentation" }, label, count);
  return { el: root, label, count };
}

export type OccupantsContext = OccupantMenuContext & {
  readonly rooms: RoomStore;
  readonly chat: Pick<ChatController, "open">;
};

export interface OccupantsPanel extends View {
  /** The panel is in the document again: measure and fill the viewport. */
  refresh(): void;
}

/** One row of the flat list: a role's header, or an occupant with their place among all occupants. */
type Entry = { role: Role } | { nick: string; pos: number };

/**
 * The occupants of a room, grouped by role and sorted by nick, as a
 * virtualised list: only the rows in (and just around) the viewport exist.
 * An occupant change updates that occupant's row; the other rendered rows
 * stay the same nodes, and rows that scroll out are reused for the ones
 * that scroll in.
 */
export function createOccupantsPanel(ctx: OccupantsContext, room: string): OccupantsPanel {
  const disposer = new Disposer();
  /** Nicks per role, sorted. */
  const sections = new Map<Role, string[]>(SECTIONS.map((r) => [r, []]));
  /** The section each nick is filed under (its role when last placed). */
  const filed = new Map<string, Role>();
  const rows = new Map<string, Row>();
  const headers = new Map<Role, Header>();
  /** Rows that left the viewport, reused for the ones that enter it. */
  const spare: Row[] = [];
  /** Nicks whose rows are refilled by the next redraw; null = all of them. */
  let dirty: ReadonlySet<string> | null = null;

  const list = el("ul", { class: "occupants-list", role: "list" });
  const viewport = el("div", { class: "occupants-viewport", tabindex: -1 });
  const count = el("span", { class: "occupants-count", "data-testid": "occupants-count" });

  const occupants = () => ctx.rooms.get(room)?.occupants;
  const ownNick = () => ctx.rooms.get(room)?.nick ?? null;

  function file(nick: string, role: Role): void {
    const list = sections.get(role)!;
    const at = search(list, nick);
    if (!at.found) list.splice(at.index, 0, nick);
    filed.set(nick, role);
  }

  function unfile(nick: string): void {
    const role = filed.get(nick);
    if (role === undefined) return;
    const list = sections.get(role)!;
    const at = search(list, nick);
    if (at.found) list.splice(at.index, 1);
    else {
      const i = list.indexOf(nick); // collator ties: fall back to a scan
      if (i >= 0) list.splice(i, 1);
    }
    filed.delete(nick);
  }

  function reset(): void {
    filed.clear();
    for (const role of SECTIONS) sections.set(role, []);
    for (const o of occupants()?.values() ?? []) {
      sections.get(o.role)!.push(o.nick);
      filed.set(o.nick, o.role);
    }
    for (const list of sections.values()) list.sort(byNick);
  }

  /** Flat list length: one header row per non-empty section plus its occupants. */
  function total(): number {
    let n = 0;
    for (const list of sections.values()) if (list.length > 0) n += list.length + 1;
    return n;
  }

  /** What row `index` of the flat list shows. */
  function entry(index: number): Entry {
    let start = 0;
    let pos = 0;
    for (const role of SECTIONS) {
      const nicks = sections.get(role)!;
      if (nicks.length === 0) continue;
      if (index === start) return { role };
      if (index <= start + nicks.length) return { nick: nicks[index - start - 1]!, pos: pos + index - start };
      start += nicks.length + 1;
      pos += nicks.length;
    }
    throw new RangeError(`no occupant row ${index}`);
  }

  function headerRow(role: Role): HTMLLIElement {
    let header = headers.get(role);
    if (!header) {
      header = createHeader(role);
      headers.set(role, header);
    }
    setText(header.count, String(sections.get(role)!.length));
    return header.el;
  }

  function occupantRow(nick: string, pos: number): HTMLLIElement {
    const size = occupants()?.size ?? 0;
    const o = occupants()?.get(nick);
    let row = rows.get(nick);
    if (!row) {
      row = spare.pop() ?? createRow();
      rows.set(nick, row);
      if (o) fillRow(row, o, nick === ownNick(), size, pos);
    } else if (o && (dirty === null || dirty.has(nick))) {
      fillRow(row, o, nick === ownNick(), size, pos);
    } else {
      // Someone above arrived or left: only the position changes.
      if (row.el.getAttribute("aria-posinset") !== String(pos)) row.el.setAttribute("aria-posinset", String(pos));
      if (row.el.getAttribute("aria-setsize") !== String(size)) row.el.setAttribute("aria-setsize", String(size));
    }
    return row.el;
  }

  const inView = createVirtualList({
    scroller: viewport,
    items: list,
    fixedSize: true,
    count: total,
    estimate: () => OCCUPANT_ROW_HEIGHT,
    key: (i) => {
      const e = entry(i);
      return "role" in e ? `role:${e.role}` : `nick:${e.nick}`;
    },
    row: (i) => {
      const e = entry(i);
      return "role" in e ? headerRow(e.role) : occupantRow(e.nick, e.pos);
    },
    released: (node) => {
      const nick = node.dataset.nick;
      const row = nick === undefined ? undefined : rows.get(nick);
      if (row && row.el === node) {
        rows.delete(nick!);
        spare.push(row);
      } else if (node.dataset.role !== undefined && node.classList.contains("occupant-group")) {
        headers.delete(node.dataset.role as Role);
      }
    },
  });
  disposer.add(() => inView.dispose());

  /** Redraws the window. Rows of nicks in `changed` are refilled (null: every row). */
  function render(changed: ReadonlySet<string> | null = null): void {
    setText(count, t("occupants.count", { count: occupants()?.size ?? 0 }));
    dirty = changed;
    inView.update();
    // Rows drawn later (scrolling) are new or reused: they are filled anyway.
    dirty = new Set();
  }

  function onChange(change: OccupantChange): void {
    if (change.room !== room) return;
    if (change.reset) {
      reset();
      render();
      return;
    }
    const all = occupants();
    for (const nick of change.gone) unfile(nick);
    for (const nick of change.present) {
      const o = all?.get(nick);
      if (!o) continue;
      if (filed.get(nick) !== o.role) {
        unfile(nick);
        file(nick, o.role);
      }
    }
    render(new Set(change.present));
  }

  /** Clicking (or Enter on) an occupant opens a private chat with them. */
  function openPrivate(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest<HTMLElement>('[data-testid="occupant-row"]') : null;
    const nick = row?.dataset.nick;
    if (nick === undefined || nick === ownNick()) return;
    ctx.chat.open(`${room}/${nick}`, true);
    document.querySelector<HTMLElement>('[data-testid="composer-input"]')?.focus();
  }

  const menu = adopt(disposer, createOccupantMenu(ctx, room));
  /** The actions menu of the row `target` is in (not for our own row). */
  function openMenu(target: EventTarget | null): boolean {
    const row = target instanceof Element ? target.closest<HTMLElement>('[data-testid="occupant-row"]') : null;
    const nick = row?.dataset.nick;
    if (!row || nick === undefined || nick === ownNick()) return false;
    menu.open(nick, target instanceof HTMLElement ? target : row);
    return true;
  }
  const onActionsButton = (target: EventTarget | null): boolean =>
    target instanceof Element && target.closest('[data-testid="occupant-actions"]') !== null;

  list.addEventListener("click", (e) => {
    if (onActionsButton(e.target)) openMenu(e.target);
    else openPrivate(e.target);
  });
  list.addEventListener("contextmenu", (e) => {
    if (openMenu(e.target)) e.preventDefault();
  });
  list.addEventListener("keydown", (e) => {
    if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      if (openMenu(e.target)) e.preventDefault();
    } else if (e.key === "Enter" && !onActionsButton(e.target)) {
      e.preventDefault();
      openPrivate(e.target);
    }
  });
  disposer.add(ctx.rooms.occupantsChanged.on(onChange));
  disposer.add(ctx.rooms.changed.on((r) => {
    if (r === room) render(); // our nick may have changed: refill the rows in view
  }));
  disposer.add(onLangChange(() => {
    for (const [role, header] of headers) setText(header.label, t(`occupants.${role}`));
    render();
  }));
  reset();
  render();

  const root = el(
    "aside",
    { class: "occupants", "data-testid": "occupants", ...tattr("aria-label", "occupants.label") },
    el("div", { class: "occupants-header" }, tx("h3", "occupants.label", { class: "occupants-title" }), count),
    menu.el,
    viewport,
  );
  return { el: root, refresh: () => inView.refresh(), dispose: () => disposer.dispose() };
}
