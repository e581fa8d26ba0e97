import type { Invitation } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { onLangChange, t, tx } from "../i18n";
import { localPart } from "../jid";
import type { RoomAdminController } from "../roomAdmin";
import type { ConnectionStore } from "../state/connection";
import type { InvitationStore } from "../state/invitations";
import type { RosterStore } from "../state/roster";
import { errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";
import { viewOf, type View } from "./view";

export interface InvitationsContext {
  readonly connection: ConnectionStore;
  readonly roster: RosterStore;
  readonly invitations: InvitationStore;
  readonly roomAdmin: Pick<RoomAdminController, "answer">;
}

interface Notice extends View {
  relabel(): void;
}

/**
 * Room invitations we received, one notice each: who invites us to which
 * room and why, Accept (joins with the nickname typed, our local part at
 * first, and opens the room's tab) and Decline (with an optional reason
 * when the invitation came through the room; a direct one has no answer).
 */
export function createInvitationsView(ctx: InvitationsContext): View {
  const disposer = new Disposer();
  const root = el("div", { class: "invitations", "data-testid": "invitations", role: "region", "aria-live": "polite" });
  const notices = new Map<string, Notice>();

  function notice(inv: Invitation): Notice {
    const text = el("p", { class: "invitation-text" });
    const reasonText = inv.reason ? el("p", { class: "invitation-reason", "data-testid": "invitation-reason" }, inv.reason) : null;
    const nick = uniqueInput("invitation-nick", PLAIN_TEXT);
    nick.value = localPart(ctx.connection.ownJid);
    const accept = tx("button", "invitation.accept", { type: "submit", class: "primary", "data-testid": "invitation-accept" });
    const decline = tx("button", "invitation.decline", { type: "button", "data-testid": "invitation-decline" });
    const declineReason = uniqueInput("invitation-decline-reason", { type: "text", autocomplete: "off" });
    const declineField = inv.direct ? null : field("invitation.declineReason", declineReason);
    // Its own: an answered invitation takes its language listener with it.
    const own = new Disposer();
    const error = errorLine("invitation-error", "invitation-error", "invitation.error", own);
    const form = el(
      "form",
      { class: "invitation", novalidate: true, "data-testid": "invitation", "data-room": inv.room, "data-from": inv.from },
      text,
      reasonText,
      inv.hasPassword ? tx("p", "invitation.password", { class: "hint" }) : null,
      field("joinRoom.nick", nick),
      declineField,
      error.root,
      el("div", { class: "actions" }, decline, accept),
    );
    const relabel = (): void => {
      text.textContent = t("invitation.text", { from: ctx.roster.name(inv.from), room: inv.room });
    };
    relabel();
    const setBusy = (busy: boolean): void => {
      for (const c of [nick, accept, decline, declineReason]) c.disabled = busy;
      form.setAttribute("aria-busy", String(busy));
    };
    const answer = async (accepting: boolean): Promise<void> => {
      const nickValue = nick.value.trim();
      if (accepting && nickValue === "") {
        error.show({ key: "validation.nick", invalid: nick });
        nick.focus();
        return;
      }
      error.show(null);
      setBusy(true);
      const why = declineReason.value.trim();
      const refused = await ctx.roomAdmin.answer(inv, accepting ? nickValue : null, !accepting && why !== "" ? why : null);
      setBusy(false);
      // Done: the list drops the invitation (and this notice).
      if (refused) error.show({ error: refused });
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void answer(true);
    });
    decline.addEventListener("click", () => void answer(false));
    return { el: form, relabel, dispose: () => own.dispose() };
  }

  function render(): void {
    const all = ctx.invitations.all;
    const keep = new Set(all.map((i) => i.id));
    for (const [id, n] of notices) {
      if (keep.has(id)) continue;
      n.el.remove();
      n.dispose();
      notices.delete(id);
    }
    for (const inv of all) {
      if (notices.has(inv.id)) continue;
      const n = notice(inv);
      notices.set(inv.id, n);
      root.append(n.el);
    }
    setHidden(root, all.length === 0);
  }

  disposer.add(ctx.invitations.changed.on(render));
  disposer.add(ctx.roster.itemsChanged.on(() => {
    for (const n of notices.values()) n.relabel();
  }));
  disposer.add(onLangChange(() => {
    for (const n of notices.values()) n.relabel();
  }));
  disposer.add(() => {
    for (const n of notices.values()) n.dispose();
  });
  render();
  return viewOf(root, disposer);
}
