import type { PresenceShow } from "../bindings";
import { el, setHidden } from "../dom";
import { t, tattr, tx } from "../i18n";
import { staticView, type Calls, type View } from "./view";

export interface PresenceSelectorContext {
  readonly backend: Calls<"set_presence">;
}

const SHOWS: readonly PresenceShow[] = ["available", "chat", "away", "xa", "dnd"];

/** Own availability <select> plus status message; each change calls set_presence. */
export function createPresenceSelector(ctx: PresenceSelectorContext): View {
  const show = el(
    "select",
    { id: "presence-show", "data-testid": "presence-show", class: "presence-show" },
    ...SHOWS.map((s) => el("option", { value: s, "data-i18n": `show.${s}` }, t(`show.${s}`))),
  );
  const status = el("input", {
    id: "presence-status", "data-testid": "presence-status", type: "text", maxlength: 500,
    ...tattr("placeholder", "presence.statusPlaceholder"),
  });
  const error = tx("div", "presence.error", { class: "presence-error", role: "alert", hidden: true });
  show.value = "available";
  let lastSent = { show: "available", status: "" };

  const send = async (): Promise<void> => {
    const value = { show: show.value, status: status.value.trim() };
    if (value.show === lastSent.show && value.status === lastSent.status) return;
    lastSent = value;
    show.dataset.show = value.show;
    try {
      await ctx.backend.invoke("set_presence", {
        args: { show: value.show as PresenceShow, status: value.status === "" ? null : value.status },
      });
      setHidden(error, true);
    } catch {
      setHidden(error, false);
      lastSent = { show: "", status: "" }; // allow retrying the same value
    }
  };
  show.addEventListener("change", () => void send());
  status.addEventListener("change", () => void send());
  status.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void send();
  });
  show.dataset.show = "available";

  const root = el(
    "div",
    { class: "presence-selector" },
    tx("label", "presence.show", { for: "presence-show", class: "visually-hidden" }),
    show,
    tx("label", "presence.status", { for: "presence-status", class: "visually-hidden" }),
    status,
    error,
  );
  return staticView(root);
}
