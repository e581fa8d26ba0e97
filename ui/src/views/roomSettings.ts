import type { Affiliation } from "../bindings";
import { Disposer, el, setHidden } from "../dom";
import { retranslate, tx, type Key } from "../i18n";
import type { RoomAdminController } from "../roomAdmin";
import { createAffiliationList, type AffiliationListView } from "./affiliationList";
import { renderDataForm, type RenderedForm } from "./dataForm";
import { errorLine, field, uniqueInput } from "./formFields";
import { adopt, type View } from "./view";

export interface RoomSettingsContext {
  readonly roomAdmin: Pick<RoomAdminController, "config" | "configure" | "destroy" | "affiliations" | "moderate">;
}

type Tab = "config" | Exclude<Affiliation, "none"> | "destroy";

const TAB_LABELS: Record<Tab, Key> = {
  config: "roomSettings.config",
  member: "roomSettings.members",
  admin: "roomSettings.admins",
  owner: "roomSettings.owners",
  outcast: "roomSettings.banned",
  destroy: "roomSettings.destroy",
};
/** Owners see every tab; admins may edit the member and ban lists only. */
const OWNER_TABS: readonly Tab[] = ["config", "member", "admin", "owner", "outcast", "destroy"];
const ADMIN_TABS: readonly Tab[] = ["member", "outcast"];

export interface RoomSettings extends View {
  /** Opens the panel on `tab` (owners: the configuration first). */
  open(owner: boolean, tab?: Tab): void;
  close(): void;
  readonly isOpen: boolean;
}

/**
 * The settings of a room we own or administer: its configuration (a data
 * form from the room), the affiliation lists, and destroying it.
 */
export function createRoomSettings(ctx: RoomSettingsContext, room: string, onClose: () => void): RoomSettings {
  const disposer = new Disposer();
  const tabBar = el("div", { class: "room-settings-tabs", role: "tablist" });
  const body = el("div", { class: "room-settings-body" });
  const close = tx("button", "roomSettings.close", { type: "button", "data-testid": "room-settings-close" });
  const root = el(
    "section",
    { class: "room-settings", "data-testid": "room-settings-panel", hidden: true },
    el("div", { class: "room-settings-head" }, tx("h3", "roomSettings.title"), close),
    tabBar,
    body,
  );
  const tabs = new Map<Tab, HTMLButtonElement>();
  for (const tab of OWNER_TABS) {
    const button = tx("button", TAB_LABELS[tab], { type: "button", role: "tab", "data-testid": "room-settings-tab", "data-tab": tab, "aria-selected": "false" });
    button.addEventListener("click", () => select(tab));
    tabs.set(tab, button);
    tabBar.append(button);
  }
  tabBar.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const visible = [...tabs.values()].filter((b) => !b.hidden);
    const at = visible.indexOf(document.activeElement as HTMLButtonElement);
    const next = visible[(at + (e.key === "ArrowRight" ? 1 : -1) + visible.length) % visible.length];
    next?.focus();
    next?.click();
  });

  const config = createConfigSection(ctx, room, disposer, () => hide());
  const lists = new Map<Tab, AffiliationListView>();
  const destroy = createDestroySection(ctx, room, disposer, () => hide());
  let current: Tab | null = null;

  function select(tab: Tab): void {
    current = tab;
    for (const [t, button] of tabs) button.setAttribute("aria-selected", String(t === tab));
    if (tab === "config") {
      body.replaceChildren(config.root);
      void config.load();
    } else if (tab === "destroy") {
      destroy.reset();
      body.replaceChildren(destroy.root);
    } else {
      let view = lists.get(tab);
      if (!view) {
        view = adopt(disposer, createAffiliationList(ctx, room, tab));
        lists.set(tab, view);
      }
      body.replaceChildren(view.el);
      void view.load();
    }
  }

  function hide(): void {
    if (root.hidden) return;
    setHidden(root, true);
    current = null;
    body.replaceChildren();
    onClose();
  }
  close.addEventListener("click", hide);
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      hide();
    }
  });

  return {
    el: root,
    dispose: () => disposer.dispose(),
    open(owner, tab) {
      const allowed = owner ? OWNER_TABS : ADMIN_TABS;
      for (const [t, button] of tabs) setHidden(button, !allowed.includes(t));
      setHidden(root, false);
      const first = tab && allowed.includes(tab) ? tab : allowed[0]!;
      select(first);
      tabs.get(first)?.focus();
    },
    close: hide,
    get isOpen() {
      return !root.hidden && current !== null;
    },
  };
}

/** The room's configuration form: loaded each time it is shown, Save sends every visible field. */
function createConfigSection(ctx: RoomSettingsContext, room: string, disposer: Disposer, done: () => void) {
  const holder = el("div", { class: "room-config-fields" });
  const loading = tx("p", "roomSettings.loading", { class: "hint", role: "status", hidden: true });
  const error = errorLine("room-config-error", "room-config-error", "roomSettings.configError", disposer);
  const save = tx("button", "roomSettings.save", { type: "submit", class: "primary", "data-testid": "room-config-save" });
  const cancel = tx("button", "roomSettings.cancel", { type: "button", "data-testid": "room-config-cancel" });
  const form = el("form", { class: "room-config", novalidate: true, "data-testid": "room-config-form" }, holder, loading, error.root, el("div", { class: "actions" }, cancel, save));
  let rendered: RenderedForm | null = null;
  let busy = false;

  async function load(): Promise<void> {
    rendered = null;
    holder.replaceChildren();
    error.show(null);
    save.disabled = true;
    setHidden(loading, false);
    const r = await ctx.roomAdmin.config(room);
    setHidden(loading, true);
    if (!r.ok) {
      error.show({ error: r.error });
      return;
    }
    rendered = renderDataForm(r.value);
    holder.replaceChildren(rendered.root);
    save.disabled = false;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void submit();
  });
  cancel.addEventListener("click", done);

  async function submit(): Promise<void> {
    if (busy || !rendered) return;
    const missing = rendered.missing();
    if (missing) {
      error.show({ key: "dataForm.missing", invalid: missing });
      missing.focus();
      return;
    }
    error.show(null);
    busy = true;
    rendered.setDisabled(true);
    save.disabled = true;
    retranslate(save, "roomSettings.saving");
    const refused = await ctx.roomAdmin.configure(room, rendered.values());
    busy = false;
    rendered.setDisabled(false);
    save.disabled = false;
    retranslate(save, "roomSettings.save");
    if (refused) error.show({ error: refused });
    else done();
  }
  return { root: form, load };
}

/** "Destroy room": a confirmation step with an optional reason. */
function createDestroySection(ctx: RoomSettingsContext, room: string, disposer: Disposer, done: () => void) {
  const start = tx("button", "roomSettings.destroyStart", { type: "button", class: "danger", "data-testid": "room-destroy" });
  const reason = uniqueInput("room-destroy-reason", { type: "text", autocomplete: "off" });
  const confirm = tx("button", "roomSettings.destroyConfirm", { type: "button", class: "danger", "data-testid": "room-destroy-confirm" });
  const keep = tx("button", "roomSettings.destroyCancel", { type: "button", "data-testid": "room-destroy-cancel" });
  const error = errorLine("room-destroy-error", "room-destroy-error", "roomSettings.destroyError", disposer);
  const ask = el(
    "div",
    { class: "room-destroy-confirm", role: "group", hidden: true },
    tx("p", "roomSettings.destroyAsk"),
    field("moderation.reason", reason),
    el("div", { class: "actions" }, keep, confirm),
  );
  const root = el("div", { class: "room-destroy" }, tx("p", "roomSettings.destroyHint", { class: "hint" }), start, ask, error.root);

  const reset = (): void => {
    setHidden(ask, true);
    setHidden(start, false);
    reason.value = "";
    error.show(null);
  };
  start.addEventListener("click", () => {
    setHidden(ask, false);
    setHidden(start, true);
    reason.focus();
  });
  keep.addEventListener("click", () => {
    reset();
    start.focus();
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    error.show(null);
    const why = reason.value.trim();
    const refused = await ctx.roomAdmin.destroy(room, why === "" ? null : why);
    confirm.disabled = false;
    if (refused) error.show({ error: refused });
    else done();
  });
  return { root, reset };
}
