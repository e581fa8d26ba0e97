import type { AffiliationEntry, Affiliation } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { tattr, tx, type Key } from "../i18n";
import { bareJid, isBareJid } from "../jid";
import type { RoomAdminController } from "../roomAdmin";
import { errorLine, field, PLAIN_TEXT, uniqueInput } from "./formFields";
import type { View } from "./view";

export interface AffiliationListContext {
  readonly roomAdmin: Pick<RoomAdminController, "affiliations" | "moderate">;
}

export interface AffiliationListView extends View {
  /** Asks the room for the list again. */
  load(): Promise<void>;
}

const TITLES: Record<Exclude<Affiliation, "none">, Key> = {
  member: "roomSettings.members",
  admin: "roomSettings.admins",
  owner: "roomSettings.owners",
  outcast: "roomSettings.banned",
};

/**
 * The JIDs with one affiliation in a room (affiliation_list): add one by
 * JID with an optional reason, remove one (affiliation none). Refusals
 * are shown as text; the list is asked for again after every change.
 */
export function createAffiliationList(ctx: AffiliationListContext, room: string, affiliation: Exclude<Affiliation, "none">): AffiliationListView {
  const disposer = new Disposer();
  const list = el("ul", { class: "affiliation-entries" });
  const empty = tx("p", "roomSettings.listEmpty", { class: "hint", hidden: true });
  const loading = tx("p", "roomSettings.loading", { class: "hint", role: "status", hidden: true });
  const error = errorLine("affiliation-error", "affiliation-error", "roomSettings.listError", disposer);
  const jid = uniqueInput("affiliation-add-jid", { ...PLAIN_TEXT, ...tattr("placeholder", "roomSettings.jidPlaceholder") });
  const reason = uniqueInput("affiliation-add-reason", { type: "text", autocomplete: "off" });
  const add = tx("button", affiliation === "outcast" ? "roomSettings.ban" : "roomSettings.add", { type: "submit", class: "primary", "data-testid": "affiliation-add" });
  const form = el("form", { class: "affiliation-add", novalidate: true }, field("roomSettings.jid", jid), field("moderation.reason", reason), el("div", { class: "actions" }, add));
  let busy = false;

  const setBusy = (value: boolean): void => {
    busy = value;
    for (const c of [jid, reason, add, ...list.querySelectorAll("button")]) (c as HTMLInputElement | HTMLButtonElement).disabled = value;
  };

  function entry(e: AffiliationEntry): HTMLLIElement {
    const remove = tx("button", affiliation === "outcast" ? "roomSettings.unban" : "roomSettings.remove", { type: "button", "data-testid": "affiliation-remove", "data-jid": e.jid });
    remove.addEventListener("click", () => void change(e.jid, "none", null));
    return el(
      "li",
      { class: "affiliation-entry", "data-testid": "affiliation-entry", "data-jid": e.jid },
      el("span", { class: "affiliation-jid" }, e.jid),
      e.nick ? el("span", { class: "affiliation-nick" }, e.nick) : null,
      e.reason ? el("span", { class: "affiliation-reason" }, e.reason) : null,
      remove,
    );
  }

  async function load(): Promise<void> {
    setHidden(loading, false);
    const r = await ctx.roomAdmin.affiliations(room, affiliation);
    setHidden(loading, true);
    if (!r.ok) {
      error.show({ error: r.error });
      return;
    }
    const sorted = [...r.value].sort((a, b) => a.jid.localeCompare(b.jid));
    list.replaceChildren(...sorted.map(entry));
    setHidden(empty, sorted.length > 0);
  }

  async function change(target: string, to: Affiliation, why: string | null): Promise<boolean> {
    if (busy) return false;
    error.show(null);
    setBusy(true);
    const refused = await ctx.roomAdmin.moderate({ kind: "affiliation", room, jid: target, affiliation: to, reason: why });
    setBusy(false);
    if (refused) {
      error.show({ error: refused });
      return false;
    }
    await load();
    return true;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const target = bareJid(jid.value.trim());
    if (!isBareJid(target)) {
      error.show({ key: "validation.contactJid", invalid: jid });
      jid.focus();
      return;
    }
    const why = reason.value.trim();
    void change(target, affiliation, why === "" ? null : why).then((ok) => {
      if (ok) form.reset();
    });
  });

  const root = el(
    "section",
    { class: "affiliation-list", "data-testid": "affiliation-list", "data-affiliation": affiliation },
    tx("h3", TITLES[affiliation]),
    list,
    empty,
    loading,
    error.root,
    form,
  );
  return { el: root, load, dispose: () => disposer.dispose() };
}
