import type { RoomListing } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { onLangChange, t, tattr, tx } from "../i18n";
import { localPart } from "../jid";
import { errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";
import type { RoomAdminController } from "../roomAdmin";
import { createRoomCreate, type RoomCreateContext } from "./roomCreate";
import { adopt, type View } from "./view";

export type RoomBrowserContext = RoomCreateContext & {
  readonly roomAdmin: Pick<RoomAdminController, "listRooms" | "requestSettings">;
};

/** Where a room picked in the list is joined (the join form). */
export interface ListedRoomJoin {
  /**
   * Joins `room` at once with `nick`, or, when it wants a password, opens
   * the form filled in for it to be typed.
   */
  joinListed(room: string, nick: string, needsPassword: boolean): void;
}

/** The dialog (`el`) and the button that opens it. */
export interface RoomBrowser extends View {
  readonly open: HTMLButtonElement;
}

/**
 * "Browse rooms": the rooms of a conference service (the account's own
 * unless one is typed), a page at a time ("More" asks for the next one).
 * Clicking a room joins it through the join form; "Create room" is here too.
 */
export function createRoomBrowser(ctx: RoomBrowserContext, joinBox: ListedRoomJoin): RoomBrowser {
  const disposer = new Disposer();
  const open = tx("button", "roomBrowser.open", { type: "button", class: "room-browser-open", "data-testid": "room-browser-open", "aria-expanded": "false" });
  const service = uniqueInput("room-browser-service", { ...PLAIN_TEXT, ...tattr("placeholder", "roomBrowser.serviceAutomatic") });
  const list = el("ul", { class: "room-browser-list", "data-testid": "room-browser-list" });
  const empty = tx("p", "roomBrowser.empty", { class: "room-browser-empty", "data-testid": "room-browser-empty", hidden: true });
  const loading = tx("p", "roomBrowser.loading", { class: "room-browser-loading", role: "status", hidden: true });
  const error = errorLine("room-browser-error", "room-browser-error", "roomBrowser.error", disposer);
  const more = tx("button", "roomBrowser.more", { type: "button", "data-testid": "room-browser-more", hidden: true });
  const close = el("button", { type: "button", class: "dialog-close", "data-testid": "room-browser-close", ...tattr("aria-label", "roomBrowser.close"), ...tattr("title", "roomBrowser.close") }, "×");
  const list_ = tx("button", "roomBrowser.list", { type: "submit", "data-testid": "room-browser-list-button" });
  const serviceForm = el("form", { class: "room-browser-service", novalidate: true }, field("roomBrowser.service", service), list_);
  const create = adopt(disposer, createRoomCreate(ctx, () => hide()));
  const titleId = `${service.id}-title`;
  const dialog = el(
    "section",
    { class: "room-browser", role: "dialog", "aria-labelledby": titleId, "data-testid": "room-browser", hidden: true },
    el("div", { class: "dialog-header" }, tx("h2", "roomBrowser.title", { id: titleId }), close),
    serviceForm,
    error.root,
    list,
    empty,
    loading,
    more,
    create.el,
  );

  let next: string | null = null;
  /** Answers of an older listing (another service, closed meanwhile) are dropped. */
  let generation = 0;

  const serviceValue = (): string | null => (service.value.trim() === "" ? null : service.value.trim());

  async function load(reset: boolean): Promise<void> {
    const mine = reset ? ++generation : generation;
    if (reset) {
      list.replaceChildren();
      next = null;
    }
    error.show(null);
    setHidden(more, true);
    setHidden(empty, true);
    setHidden(loading, false);
    dialog.setAttribute("aria-busy", "true");
    const page = await ctx.roomAdmin.listRooms(serviceValue(), reset ? null : next);
    if (mine !== generation) return;
    setHidden(loading, true);
    dialog.removeAttribute("aria-busy");
    if (!page.ok) {
      error.show({ error: page.error });
      setHidden(more, next === null);
      return;
    }
    list.append(...page.value.rooms.map(row));
    next = page.value.next;
    setHidden(more, next === null);
    setHidden(empty, list.childElementCount > 0);
  }

  function row(r: RoomListing): HTMLLIElement {
    const name = el("span", { class: "room-listing-name" }, r.name !== null && r.name.trim() !== "" ? r.name : r.jid);
    const jid = el("span", { class: "room-listing-jid" }, r.jid);
    const count = r.occupants === null ? null : el("span", { class: "room-listing-count", "data-testid": "room-listing-count", "data-count": r.occupants }, t("roomBrowser.occupants", { count: r.occupants }));
    const lock = r.passwordProtected
      ? el("span", { class: "room-listing-lock", "data-testid": "room-listing-lock", role: "img", ...tattr("aria-label", "roomBrowser.password"), ...tattr("title", "roomBrowser.password") }, "🔒")
      : null;
    const members = r.membersOnly ? tx("span", "roomBrowser.membersOnly", { class: "room-listing-members", "data-testid": "room-listing-members" }) : null;
    const description = r.description ? el("span", { class: "room-listing-description" }, r.description) : null;
    const button = el(
      "button",
      { type: "button", class: "room-listing", title: r.jid },
      el("span", { class: "room-listing-top" }, name, lock, members, count),
      jid,
      description,
    );
    button.addEventListener("click", () => {
      hide();
      joinBox.joinListed(r.jid, localPart(ctx.connection.ownJid), r.passwordProtected);
    });
    return el("li", { "data-testid": "room-browser-row", "data-jid": r.jid }, button);
  }

  function show(): void {
    setHidden(dialog, false);
    open.setAttribute("aria-expanded", "true");
    service.focus();
    void load(true);
  }

  function hide(): void {
    generation++;
    setHidden(dialog, true);
    open.setAttribute("aria-expanded", "false");
    create.reset();
  }

  open.addEventListener("click", () => (dialog.hidden ? show() : hide()));
  close.addEventListener("click", () => {
    hide();
    open.focus();
  });
  more.addEventListener("click", () => void load(false));
  serviceForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void load(true);
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      hide();
      open.focus();
    }
  });
  // Occupant counts carry a number: relabel them by hand.
  disposer.add(onLangChange(() => {
    for (const node of list.querySelectorAll<HTMLElement>("[data-count]")) node.textContent = t("roomBrowser.occupants", { count: Number(node.dataset.count) });
  }));
  return { el: dialog, open, dispose: () => disposer.dispose() };
}
