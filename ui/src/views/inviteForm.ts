import { Disposer, el, setHidden } from "../dom";
import { retranslate, tattr, tx } from "../i18n";
import { bareJid, isBareJid } from "../jid";
import type { RoomAdminController } from "../roomAdmin";
import type { RosterStore } from "../state/roster";
import { checkboxField, errorLine, field, PLAIN_TEXT, uniqueId, uniqueInput } from "./formFields";
import type { View } from "./view";

export interface InviteFormContext {
  readonly roster: RosterStore;
  readonly roomAdmin: Pick<RoomAdminController, "invite">;
}

export interface InviteForm extends View<HTMLFormElement> {
  open(): void;
  close(): void;
}

/**
 * Invite someone to the room: through the room (mediated, the default) or
 * directly (XEP-0249). The address field suggests the contacts of the roster.
 */
export function createInviteForm(ctx: InviteFormContext, room: string, onClose: () => void): InviteForm {
  const disposer = new Disposer();
  const suggestions = el("datalist", { id: uniqueId("invite-suggestions") });
  const jid = uniqueInput("invite-jid", { ...PLAIN_TEXT, list: suggestions.id, ...tattr("placeholder", "invite.jidPlaceholder") });
  const reason = uniqueInput("invite-reason", { type: "text", autocomplete: "off" });
  const direct = uniqueInput("invite-direct", { type: "checkbox" });
  const error = errorLine("invite-error", "invite-error", "invite.error", disposer);
  const sent = el("p", { class: "invite-sent", role: "status", "data-testid": "invite-sent", hidden: true });
  const send = tx("button", "invite.send", { type: "submit", class: "primary", "data-testid": "invite-send" });
  const cancel = tx("button", "invite.cancel", { type: "button", "data-testid": "invite-cancel" });
  const form = el(
    "form",
    { class: "invite-form", novalidate: true, hidden: true, "data-testid": "invite-form" },
    tx("h3", "invite.title"),
    field("invite.jid", jid),
    suggestions,
    field("moderation.reason", reason),
    checkboxField("invite.direct", direct),
    tx("p", "invite.directHint", { class: "hint" }),
    error.root,
    sent,
    el("div", { class: "actions" }, cancel, send),
  );
  let busy = false;

  const fillSuggestions = (): void => {
    const jids = [...ctx.roster.items.keys()].sort();
    suggestions.replaceChildren(...jids.map((j) => el("option", { value: j }, ctx.roster.name(j))));
  };
  disposer.add(ctx.roster.itemsChanged.on(() => {
    if (!form.hidden) fillSuggestions();
  }));

  function close(): void {
    if (busy || form.hidden) return;
    form.reset();
    error.show(null);
    setHidden(sent, true);
    setHidden(form, true);
    onClose();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  cancel.addEventListener("click", close);
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });

  async function submit(): Promise<void> {
    if (busy) return;
    setHidden(sent, true);
    const who = bareJid(jid.value.trim());
    if (!isBareJid(who)) {
      error.show({ key: "validation.contactJid", invalid: jid });
      jid.focus();
      return;
    }
    error.show(null);
    busy = true;
    send.disabled = true;
    retranslate(send, "invite.sending");
    const why = reason.value.trim();
    const refused = await ctx.roomAdmin.invite({ room, jid: who, reason: why === "" ? null : why, direct: direct.checked });
    busy = false;
    send.disabled = false;
    retranslate(send, "invite.send");
    if (refused) {
      error.show({ error: refused });
      return;
    }
    // Stay open for the next one, saying who was invited.
    sent.textContent = ctx.roster.name(who) === who ? who : `${ctx.roster.name(who)} (${who})`;
    sent.prepend(tx("span", "invite.sent"), " ");
    setHidden(sent, false);
    jid.value = "";
    reason.value = "";
    jid.focus();
  }

  return {
    el: form,
    dispose: () => disposer.dispose(),
    open() {
      fillSuggestions();
      setHidden(form, false);
      jid.focus();
    },
    close,
  };
}
