import type { Occupant } from "../bindings";
import type { ChatController } from "../chat";
import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, t, tx, type Key } from "../i18n";
import { bareJid, isBareJid } from "../jid";
import { isAffiliationAction, moderation, occupantActions, type OccupantAction } from "../state/permissions";
import type { RoomAdminController } from "../roomAdmin";
import type { RoomStore } from "../state/rooms";
import { errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";
import type { View } from "./view";

export interface OccupantMenuContext {
  readonly rooms: RoomStore;
  readonly chat: Pick<ChatController, "open">;
  readonly roomAdmin: Pick<RoomAdminController, "moderate">;
}

export interface OccupantMenu extends View {
  /** Shows what we may do to `nick`; focus returns to `from` when it closes. */
  open(nick: string, from: HTMLElement | null): void;
  close(): void;
}

const LABELS: Record<OccupantAction, Key> = {
  message: "occupantActions.message",
  kick: "occupantActions.kick",
  ban: "occupantActions.ban",
  voice: "occupantActions.voice",
  devoice: "occupantActions.devoice",
  moderator: "occupantActions.moderator",
  unmoderator: "occupantActions.unmoderator",
  member: "occupantActions.member",
  admin: "occupantActions.admin",
  owner: "occupantActions.owner",
  noaffiliation: "occupantActions.noaffiliation",
};

/**
 * The actions on one occupant, as a small panel in the occupant list:
 * private message, then what our role and affiliation allow. Each
 * moderation asks for an optional reason (and for the real JID when an
 * affiliation change needs one the room does not show); the room's
 * refusal is shown as text.
 */
export function createOccupantMenu(ctx: OccupantMenuContext, room: string): OccupantMenu {
  const disposer = new Disposer();
  const title = el("h4", { class: "occupant-menu-title" });
  const actions = el("div", { class: "occupant-menu-actions", role: "menu" });
  const prompt = el("p", { class: "occupant-menu-prompt" });
  const jid = uniqueInput("moderation-jid", PLAIN_TEXT);
  const jidField = field("moderation.jid", jid);
  const reason = uniqueInput("moderation-reason", { type: "text", autocomplete: "off" });
  const error = errorLine("moderation-error", "moderation-error", "moderation.error", disposer);
  const confirm = tx("button", "moderation.confirm", { type: "submit", class: "primary", "data-testid": "moderation-confirm" });
  const back = tx("button", "moderation.cancel", { type: "button", "data-testid": "moderation-cancel" });
  const form = el("form", { class: "moderation-form", novalidate: true, hidden: true }, prompt, jidField, field("moderation.reason", reason), error.root, el("div", { class: "actions" }, back, confirm));
  const close = el("button", { type: "button", class: "dialog-close", "data-testid": "occupant-menu-close", "aria-label": t("moderation.close") }, "×");
  const root = el("div", { class: "occupant-menu", "data-testid": "occupant-menu", hidden: true }, el("div", { class: "occupant-menu-head" }, title, close), actions, form);

  let target: string | null = null;
  let chosen: Exclude<OccupantAction, "message"> | null = null;
  let returnTo: HTMLElement | null = null;
  let busy = false;

  const occupant = (nick: string): Occupant | undefined => ctx.rooms.get(room)?.occupants.get(nick);
  const self = (): Occupant | undefined => {
    const r = ctx.rooms.get(room);
    return r ? r.occupants.get(r.nick) : undefined;
  };

  function renderActions(): void {
    const o = target === null ? undefined : occupant(target);
    if (!o) {
      hide();
      return;
    }
    setText(title, t("occupantActions.title", { nick: o.nick }));
    close.setAttribute("aria-label", t("moderation.close"));
    actions.replaceChildren(
      ...occupantActions(self(), o).map((action) => {
        const b = tx("button", LABELS[action], { type: "button", role: "menuitem", class: `occupant-action action-${action}`, "data-testid": `occupant-action-${action}` });
        b.addEventListener("click", () => choose(action));
        return b;
      }),
    );
  }

  function choose(action: OccupantAction): void {
    const o = target === null ? undefined : occupant(target);
    if (!o) return;
    if (action === "message") {
      hide(false);
      ctx.chat.open(`${room}/${o.nick}`, true);
      document.querySelector<HTMLElement>('[data-testid="composer-input"]')?.focus();
      return;
    }
    chosen = action;
    const needsJid = isAffiliationAction(action) && o.realJid === null;
    setHidden(jidField, !needsJid);
    jid.value = "";
    reason.value = "";
    error.show(null);
    renderPrompt();
    setHidden(actions, true);
    setHidden(form, false);
    (needsJid ? jid : reason).focus();
  }

  function renderPrompt(): void {
    if (chosen === null || target === null) return;
    setText(prompt, t(`moderation.ask.${chosen}`, { nick: target }));
  }

  function backToActions(): void {
    chosen = null;
    error.show(null);
    setHidden(form, true);
    setHidden(actions, false);
    actions.querySelector<HTMLElement>("button")?.focus();
  }

  async function submit(): Promise<void> {
    const o = target === null ? undefined : occupant(target);
    if (busy || chosen === null || !o) return;
    let realJid = o.realJid;
    if (isAffiliationAction(chosen) && realJid === null) {
      realJid = bareJid(jid.value.trim());
      if (!isBareJid(realJid)) {
        error.show({ key: "validation.contactJid", invalid: jid });
        jid.focus();
        return;
      }
    }
    const why = reason.value.trim();
    error.show(null);
    busy = true;
    confirm.disabled = true;
    const refused = await ctx.roomAdmin.moderate(moderation(room, chosen, o, realJid, why === "" ? null : why));
    busy = false;
    confirm.disabled = false;
    if (refused) error.show({ error: refused });
    else hide();
  }

  function hide(restoreFocus = true): void {
    if (busy) return;
    const from = returnTo;
    target = null;
    chosen = null;
    returnTo = null;
    form.reset();
    error.show(null);
    setHidden(root, true);
    if (restoreFocus && from?.isConnected) from.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  back.addEventListener("click", backToActions);
  close.addEventListener("click", () => hide());
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      if (chosen !== null && !busy) backToActions();
      else hide();
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && chosen === null) {
      const items = [...actions.querySelectorAll<HTMLElement>("button")];
      const at = items.indexOf(document.activeElement as HTMLElement);
      e.preventDefault();
      items[(at + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
    }
  });
  // Our role or theirs may change while the menu is open: offer what is allowed now.
  disposer.add(ctx.rooms.occupantsChanged.on((c) => {
    if (c.room !== room || target === null || chosen !== null) return;
    renderActions();
  }));
  disposer.add(onLangChange(() => {
    if (target === null) return;
    if (chosen === null) renderActions();
    else renderPrompt();
  }));

  return {
    el: root,
    dispose: () => disposer.dispose(),
    open(nick, from) {
      if (busy) return;
      hide(false);
      target = nick;
      returnTo = from;
      setHidden(form, true);
      setHidden(actions, false);
      setHidden(root, false);
      renderActions();
      actions.querySelector<HTMLElement>("button")?.focus();
    },
    close: () => hide(),
  };
}
