import type { IpcError } from "../bindings";
import { Disposer, el, setHidden, setText } from "../dom";
import { refusalNodes } from "../errors";
import { onLangChange, retranslate, t, tattr, tx, type Key } from "../i18n";
import type { RoomAdminController } from "../roomAdmin";
import type { RoomController } from "../rooms";
import type { BookmarkStore } from "../state/bookmarks";
import { canAdminister } from "../state/permissions";
import type { RoomStore } from "../state/rooms";
import { createBookmarkForm, type BookmarkFormContext } from "./bookmarkForm";
import { createInviteForm, type InviteFormContext } from "./inviteForm";
import { createRoomSettings, type RoomSettingsContext } from "./roomSettings";
import { createTypingLine, type TypingContext } from "./typingLine";
import { adopt, viewOf, type View } from "./view";

export type RoomHeaderContext = BookmarkFormContext & InviteFormContext & RoomSettingsContext & TypingContext & {
  readonly rooms: RoomStore;
  readonly bookmarks: BookmarkStore;
  readonly roomActions: Pick<RoomController, "setSubject" | "changeNick" | "leave" | "rejoin">;
  readonly roomAdmin: Pick<RoomAdminController, "invite" | "config" | "configure" | "destroy" | "affiliations" | "moderate" | "takeSettingsRequest" | "settingsRequested">;
};

/** A value shown as a button that turns into an input when clicked (Enter saves, Escape cancels). */
interface InlineEdit {
  readonly button: HTMLButtonElement;
  readonly input: HTMLInputElement;
}

function inlineEdit(
  testid: string,
  label: Key,
  current: () => string,
  save: (text: string) => Promise<boolean>,
): InlineEdit {
  const button = el("button", { type: "button", class: `inline-value ${testid}`, "data-testid": testid });
  const input = el("input", { type: "text", class: "inline-input", "data-testid": `${testid}-input`, hidden: true, ...tattr("aria-label", label) });
  let busy = false;
  const stop = (): void => {
    setHidden(input, true);
    setHidden(button, false);
  };
  button.addEventListener("click", () => {
    input.value = current();
    setHidden(button, true);
    setHidden(input, false);
    input.focus();
    input.select();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      stop();
      button.focus();
    } else if (e.key === "Enter" && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (busy) return;
      busy = true;
      input.disabled = true;
      void save(input.value.trim()).then((ok) => {
        busy = false;
        input.disabled = false;
        if (ok) stop();
        else input.focus();
      });
    }
  });
  input.addEventListener("blur", () => {
    if (!busy) stop();
  });
  return { button, input };
}

/**
 * Room tab header: address, our nick (click to change), bookmark, leave, the
 * subject (click to change), what the room refused while we stay in it
 * (room-problem) and, once we were thrown out, why and "Join again".
 */
export function createRoomHeader(ctx: RoomHeaderContext, room: string): View {
  const disposer = new Disposer();
  const info = () => ctx.rooms.get(room);
  let problem: { key: Key; error: IpcError } | null = null;
  const error = el("div", { class: "room-error", role: "alert", "data-testid": "room-error", hidden: true });
  const renderError = (): void => {
    error.replaceChildren(...(problem ? refusalNodes(t(problem.key), problem.error) : []));
    setHidden(error, problem === null);
  };
  /** Runs an action; its refusal goes to the error line. Resolves true when it was done. */
  const attempt = async (key: Key, action: Promise<IpcError | null>): Promise<boolean> => {
    ctx.rooms.setProblem(room, null); // a new action: the room's last refusal is old news
    problem = null;
    renderError();
    const refused = await action;
    problem = refused ? { key, error: refused } : null;
    renderError();
    return refused === null;
  };

  const subject = inlineEdit("room-subject", "room.subject", () => info()?.subject ?? "", (text) =>
    attempt("room.subjectError", ctx.roomActions.setSubject(room, text)),
  );
  const nick = inlineEdit("room-nick-change", "room.changeNick", () => info()?.nick ?? "", (text) =>
    text === "" || text === info()?.nick ? Promise.resolve(true) : attempt("room.nickError", ctx.roomActions.changeNick(room, text)),
  );
  subject.button.setAttribute("data-i18n-title", "room.editSubject");
  subject.button.title = t("room.editSubject");
  nick.button.setAttribute("data-i18n-title", "room.changeNick");
  nick.button.title = t("room.changeNick");

  const leave = tx("button", "room.leave", { type: "button", class: "room-leave", "data-testid": "room-leave" });
  leave.addEventListener("click", () => {
    leave.disabled = true;
    void attempt("room.leaveError", ctx.roomActions.leave(room)).finally(() => {
      leave.disabled = false;
    });
  });

  // Bookmark this room, or edit its bookmark (a form of its own under the title).
  const bookmarkButton = tx("button", "room.bookmark", { type: "button", class: "room-bookmark", "data-testid": "room-bookmark", "aria-expanded": "false" });
  const bookmarkForm = adopt(disposer, createBookmarkForm(ctx, () => {
    bookmarkButton.setAttribute("aria-expanded", "false");
    bookmarkButton.focus();
  }));
  bookmarkButton.addEventListener("click", () => {
    if (!bookmarkForm.el.hidden) {
      bookmarkForm.close();
      return;
    }
    const existing = ctx.bookmarks.get(room) ?? null;
    bookmarkForm.open({ jid: room, existing, nick: info()?.nick ?? "" });
    bookmarkButton.setAttribute("aria-expanded", "true");
  });
  // Invite someone (a form of its own, like the bookmark's).
  const inviteButton = tx("button", "room.invite", { type: "button", class: "room-invite", "data-testid": "room-invite", "aria-expanded": "false" });
  const inviteForm = adopt(disposer, createInviteForm(ctx, room, () => {
    inviteButton.setAttribute("aria-expanded", "false");
    inviteButton.focus();
  }));
  inviteButton.addEventListener("click", () => {
    if (!inviteForm.el.hidden) {
      inviteForm.close();
      return;
    }
    inviteForm.open();
    inviteButton.setAttribute("aria-expanded", "true");
  });

  // Room settings, for its owners and admins.
  const settingsButton = tx("button", "room.settings", { type: "button", class: "room-settings-open", "data-testid": "room-settings", "aria-expanded": "false", hidden: true });
  const settings = adopt(disposer, createRoomSettings(ctx, room, () => {
    settingsButton.setAttribute("aria-expanded", "false");
    if (!settingsButton.hidden) settingsButton.focus();
  }));
  const self = () => {
    const r = info();
    return r ? r.occupants.get(r.nick) : undefined;
  };
  const openSettings = (owner: boolean): void => {
    settings.open(owner);
    settingsButton.setAttribute("aria-expanded", "true");
  };
  settingsButton.addEventListener("click", () => {
    if (settings.isOpen) settings.close();
    else openSettings(self()?.affiliation === "owner");
  });
  const renderSettings = (): void => {
    setHidden(settingsButton, !((info()?.joined ?? false) && canAdminister(self())));
  };
  disposer.add(ctx.rooms.occupantsChanged.on((c) => {
    if (c.room === room) renderSettings();
  }));
  // A room we just created "to configure" (we own it, whatever the occupant list says yet).
  const takeRequest = (): void => {
    if (ctx.roomAdmin.takeSettingsRequest(room)) openSettings(true);
  };
  disposer.add(ctx.roomAdmin.settingsRequested.on((r) => {
    if (r === room) takeRequest();
  }));

  const renderBookmark = (): void => {
    const bookmarked = ctx.bookmarks.get(room) !== undefined;
    retranslate(bookmarkButton, bookmarked ? "room.editBookmark" : "room.bookmark");
    bookmarkButton.classList.toggle("bookmarked", bookmarked);
  };
  disposer.add(ctx.bookmarks.changed.on(renderBookmark));
  renderBookmark();

  // What the room refused while we stay in it, e.g. a nickname that is taken.
  const roomProblemText = el("span", { class: "room-problem-text" });
  const dismissProblem = el(
    "button",
    { type: "button", class: "room-problem-dismiss", "data-testid": "room-problem-dismiss", ...tattr("aria-label", "status.dismiss"), ...tattr("title", "status.dismiss") },
    "×",
  );
  dismissProblem.addEventListener("click", () => ctx.rooms.setProblem(room, null));
  const roomProblem = el("div", { class: "room-problem", role: "alert", "data-testid": "room-problem", hidden: true }, roomProblemText, dismissProblem);

  const leftReason = el("span", { class: "room-left-reason", "data-testid": "room-left-reason" });
  const rejoin = tx("button", "room.rejoin", { type: "button", class: "primary", "data-testid": "room-rejoin" });
  rejoin.addEventListener("click", () => {
    rejoin.disabled = true;
    void attempt("room.rejoinError", ctx.roomActions.rejoin(room)).finally(() => {
      rejoin.disabled = false;
    });
  });
  const leftNotice = el(
    "div",
    { class: "room-left", role: "status", "data-testid": "room-left", hidden: true },
    leftReason,
    rejoin,
  );

  const nickBox = el("span", { class: "room-nick" }, tx("span", "room.yourNick", { class: "room-nick-label" }), nick.button, nick.input);

  const render = (): void => {
    const r = info();
    const text = r?.subject ?? null;
    setText(subject.button, text ?? t("room.noSubject"));
    subject.button.classList.toggle("empty", text === null);
    setText(nick.button, r?.nick ?? "");
    const joined = r?.joined ?? false;
    subject.button.disabled = !joined;
    nick.button.disabled = !joined;
    const reason = r?.left ?? null;
    leftReason.replaceChildren(...(reason ? refusalNodes(t("room.left"), reason) : []));
    setHidden(leftNotice, reason === null);
    const refusal = r?.problem ?? null;
    roomProblemText.replaceChildren(...(refusal ? refusalNodes(t("room.problem"), refusal) : []));
    setHidden(roomProblem, refusal === null);
    inviteButton.disabled = !joined;
    renderSettings();
  };

  disposer.add(ctx.rooms.changed.on((r) => {
    if (r === room) render();
  }));
  disposer.add(onLangChange(() => {
    render();
    renderError();
  }));
  render();
  takeRequest();

  const root = el(
    "header",
    { class: "conversation-header room-header" },
    el(
      "div",
      { class: "room-title-row" },
      el("span", { class: "room-icon", "aria-hidden": "true" }, "#"),
      el("h2", { class: "conversation-title" }, room),
      nickBox,
      inviteButton,
      settingsButton,
      bookmarkButton,
      leave,
    ),
    bookmarkForm.el,
    inviteForm.el,
    settings.el,
    el("div", { class: "room-subject-row" }, subject.button, subject.input),
    roomProblem,
    leftNotice,
    error,
    adopt(disposer, createTypingLine(ctx, room)).el,
  );
  return viewOf(root, disposer);
}
