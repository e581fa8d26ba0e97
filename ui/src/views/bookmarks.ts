import type { BookmarkView, IpcError } from "../bindings";
import type { BookmarkController } from "../bookmarks";
import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { refusalNodes } from "../errors";
import { onLangChange, t, tattr, tx } from "../i18n";
import type { RoomController } from "../rooms";
import { bookmarkLabel, type BookmarkStore } from "../state/bookmarks";
import type { RoomStore } from "../state/rooms";
import { createBookmarkForm, type BookmarkFormContext } from "./bookmarkForm";
import type { JoinRoomBox } from "./joinRoom";
import { adopt, viewOf, type View } from "./view";

export type BookmarksContext = BookmarkFormContext & {
  readonly bookmarks: BookmarkStore;
  readonly rooms: RoomStore;
  readonly chat: Pick<ChatController, "open">;
  readonly roomActions: Pick<RoomController, "join">;
  readonly bookmarkActions: Pick<BookmarkController, "save" | "remove">;
};

interface Row {
  readonly el: HTMLLIElement;
  readonly join: HTMLButtonElement;
  readonly name: HTMLSpanElement;
  readonly jid: HTMLSpanElement;
  readonly autojoin: HTMLSpanElement;
  readonly lock: HTMLSpanElement;
  readonly remove: HTMLButtonElement;
  readonly confirm: HTMLDivElement;
  readonly confirmButton: HTMLButtonElement;
  readonly error: HTMLDivElement;
  bookmark: BookmarkView;
  /** The last removal refusal, shown in the row until the next attempt. */
  problem: IpcError | null;
}

/**
 * Sidebar section: the account's bookmarked rooms, sorted by name. The
 * `bookmark-join` button of a row joins the room (or shows its tab when we
 * are in it); a refusal opens the join dialog filled in, with the reason,
 * so a password can be typed. Edit opens the bookmark form, remove asks
 * for an inline confirmation first.
 */
export function createBookmarksView(ctx: BookmarksContext, joinBox: Pick<JoinRoomBox, "openFor">): View {
  const disposer = new Disposer();
  const rows = new Map<string, Row>();
  const list = el("ul", { class: "bookmark-list", "data-testid": "bookmarks" });
  const empty = tx("p", "bookmarks.empty", { class: "bookmarks-empty", "data-testid": "bookmarks-empty" });
  const add = el(
    "button",
    { type: "button", class: "bookmark-add", "data-testid": "bookmark-add", ...tattr("title", "bookmarks.add"), ...tattr("aria-label", "bookmarks.add") },
    "+",
  );
  const form = adopt(disposer, createBookmarkForm(ctx, () => add.focus()));
  add.addEventListener("click", () => form.open({ jid: null, existing: null }));

  const ownLocal = (): string => ctx.connection.ownJid.split("@")[0] ?? "";

  async function join(row: Row): Promise<void> {
    const b = row.bookmark;
    if (ctx.rooms.get(b.jid)?.joined) {
      ctx.chat.open(b.jid, true, "room");
      return;
    }
    if (row.join.disabled) return;
    const nick = b.nick ?? ownLocal();
    row.join.disabled = true;
    row.join.setAttribute("aria-busy", "true");
    // The backend has the password only for autojoin: a click sends none.
    const refused = await ctx.roomActions.join(b.jid, nick, null);
    row.join.disabled = false;
    row.join.removeAttribute("aria-busy");
    if (refused !== null) joinBox.openFor(b.jid, nick, refused);
  }

  async function remove(row: Row): Promise<void> {
    row.confirmButton.disabled = true;
    row.problem = null;
    renderProblem(row);
    const refused = await ctx.bookmarkActions.remove(row.bookmark.jid);
    row.confirmButton.disabled = false;
    // Done: bookmarks-changed removes the row.
    setHidden(row.confirm, refused === null);
    row.problem = refused;
    renderProblem(row);
  }

  function renderProblem(row: Row): void {
    row.error.replaceChildren(...(row.problem ? refusalNodes(t("bookmarks.removeError"), row.problem) : []));
    setHidden(row.error, row.problem === null);
  }

  function createRow(b: BookmarkView): Row {
    const name = el("span", { class: "bookmark-name" });
    const jid = el("span", { class: "bookmark-jid" });
    const autojoin = el("span", { class: "bookmark-autojoin", "data-testid": "bookmark-autojoin-marker", role: "img", ...tattr("aria-label", "bookmarks.autojoin"), ...tattr("title", "bookmarks.autojoin") }, "↻");
    const lock = el("span", { class: "bookmark-lock", "data-testid": "bookmark-lock", role: "img", ...tattr("aria-label", "bookmarks.locked"), ...tattr("title", "bookmarks.locked") }, "🔒");
    const joinButton = el("button", { type: "button", class: "bookmark-join", "data-testid": "bookmark-join" }, el("span", { class: "bookmark-text" }, name, jid), autojoin, lock);
    const edit = el("button", { type: "button", class: "bookmark-icon", "data-testid": "bookmark-edit", ...tattr("title", "bookmarks.edit"), ...tattr("aria-label", "bookmarks.edit") }, "✎");
    const removeButton = el("button", { type: "button", class: "bookmark-icon", "data-testid": "bookmark-remove", ...tattr("title", "bookmarks.remove"), ...tattr("aria-label", "bookmarks.remove") }, "×");
    const confirmButton = tx("button", "bookmarks.removeConfirm", { type: "button", class: "danger", "data-testid": "bookmark-remove-confirm" });
    const keep = tx("button", "bookmarks.removeCancel", { type: "button", "data-testid": "bookmark-remove-cancel" });
    const confirm = el("div", { class: "bookmark-confirm", role: "group", hidden: true }, tx("span", "bookmarks.removeAsk"), keep, confirmButton);
    const error = el("div", { class: "bookmark-row-error", role: "alert", "data-testid": "bookmark-row-error", hidden: true });
    const li = el(
      "li",
      { class: "bookmark", "data-testid": "bookmark-row", "data-jid": b.jid },
      el("div", { class: "bookmark-main" }, joinButton, edit, removeButton),
      confirm,
      error,
    );
    const row: Row = { el: li, join: joinButton, name, jid, autojoin, lock, remove: removeButton, confirm, confirmButton, error, bookmark: b, problem: null };
    joinButton.addEventListener("click", () => void join(row));
    edit.addEventListener("click", () => form.open({ jid: row.bookmark.jid, existing: row.bookmark }));
    removeButton.addEventListener("click", () => {
      setHidden(confirm, false);
      confirmButton.focus();
    });
    keep.addEventListener("click", () => {
      setHidden(confirm, true);
      removeButton.focus();
    });
    confirmButton.addEventListener("click", () => void remove(row));
    return row;
  }

  function fill(row: Row): void {
    const b = row.bookmark;
    setText(row.name, bookmarkLabel(b));
    setText(row.jid, b.jid);
    row.join.title = b.jid;
    setHidden(row.autojoin, !b.autojoin);
    setHidden(row.lock, !b.hasPassword);
    row.el.classList.toggle("joined", ctx.rooms.get(b.jid)?.joined ?? false);
  }

  function render(): void {
    const all = ctx.bookmarks.all;
    const keep = new Set(all.map((b) => b.jid));
    for (const [jid, row] of rows) {
      if (keep.has(jid)) continue;
      row.el.remove();
      rows.delete(jid);
    }
    let cursor = list.firstChild;
    for (const b of all) {
      let row = rows.get(b.jid);
      if (!row) {
        row = createRow(b);
        rows.set(b.jid, row);
      }
      row.bookmark = b;
      fill(row);
      if (row.el === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(row.el, cursor);
    }
    setHidden(empty, all.length > 0);
  }

  disposer.add(ctx.bookmarks.changed.on(render));
  disposer.add(ctx.rooms.changed.on((room) => {
    const row = rows.get(room);
    if (row) fill(row);
  }));
  disposer.add(onLangChange(() => {
    for (const row of rows.values()) renderProblem(row);
  }));
  render();

  const root = el(
    "section",
    { class: "bookmarks", ...tattr("aria-label", "bookmarks.title") },
    el("div", { class: "bookmarks-header" }, tx("h2", "bookmarks.title", { class: "bookmarks-title" }), add),
    form.el,
    list,
    empty,
  );
  return viewOf(root, disposer);
}
