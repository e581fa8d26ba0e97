// What can be done to a contact from its roster row: its menu and the
// dialogs the menu opens, each a Solid root in an overlay above the window
// (a form inline in the sidebar pushed the roster away). At most one is
// open at a time; all are released with the roster view.
import { createSignal, onCleanup, type JSX } from "solid-js";
import { toIpcError } from "../backend";
import type { IpcError, RosterItem } from "../bindings";
import { getLang, onLangChange } from "../i18n";
import type { RosterStore } from "../state/roster";
import { AskFailed, ContactEditor, RemoveConfirm, sayer } from "./contactDialogs";
import { mountOverlay, PopupMenu, type MenuEntry } from "./popupMenu";
import { compareGroups } from "./rosterRows";
import type { Calls } from "./view";

export interface ContactActionsContext {
  readonly roster: RosterStore;
  readonly backend: Calls<"update_contact" | "remove_contact" | "ask_presence">;
}

export interface ContactActions {
  /**
   * Opens the menu of the contact whose row is `row`: at the pointer
   * (`at`), or under the row when opened from the keyboard (`at` null).
   */
  openMenu(row: HTMLElement, at: { readonly x: number; readonly y: number } | null): void;
  /** Whether the menu of `jid` opened within the last `ms` milliseconds. */
  menuJustOpened(jid: string, ms: number): boolean;
  dispose(): void;
}

/** Whether we may ask to see their presence: we do not, and have not asked yet. */
export function mayAsk(item: RosterItem): boolean {
  return (item.subscription === "none" || item.subscription === "from") && !item.pendingOut;
}

/**
 * The contact menu and its dialogs. `refocus(jid, row)` puts the focus
 * back on the contact's row when one closes (the row may have been
 * redrawn or scrolled away meanwhile).
 */
export function createContactActions(ctx: ContactActionsContext, refocus: (jid: string, row: HTMLElement) => void): ContactActions {
  const { roster, backend } = ctx;
  const [lang, setLang] = createSignal(getLang());
  const offLang = onLangChange(() => setLang(getLang()));
  const say = sayer(lang);
  /** Closes what is open; null when nothing is. */
  let current: (() => void) | null = null;
  let menuOf: { jid: string; at: number } | null = null;

  const close = (): void => {
    const c = current;
    current = null;
    menuOf = null;
    c?.();
  };

  /**
   * Shows `make(done)` instead of whatever is open. `done` closes it (once:
   * a late call from something already replaced does nothing) and, when
   * `back`, puts the focus back on the row.
   */
  function show(jid: string, row: HTMLElement, make: (done: (back: boolean) => void) => JSX.Element): void {
    close();
    let unmount: (() => void) | null = null;
    let closed = false;
    const closeThis = (): void => {
      closed = true;
      unmount?.();
    };
    const done = (back: boolean): void => {
      if (current !== closeThis) return;
      close();
      if (back) refocus(jid, row);
    };
    current = closeThis;
    unmount = mountOverlay(() => make(done));
    // Closed while it was being mounted.
    if (closed) unmount();
  }

  /** Roster names are not translated: no need to follow the language. */
  const nameOf = (jid: string) => (): string => roster.name(jid);

  function openMenu(row: HTMLElement, at: { readonly x: number; readonly y: number } | null): void {
    const jid = row.dataset.jid;
    const item = jid === undefined ? undefined : roster.items.get(jid);
    if (jid === undefined || !item) return;
    const entries: MenuEntry[] = [{ label: () => say("contactMenu.edit"), testid: "contact-menu-edit", run: () => openEditor(jid, row) }];
    if (mayAsk(item)) entries.push({ label: () => say("contactMenu.ask"), testid: "contact-menu-ask", run: () => void ask(jid, row) });
    entries.push({ label: () => say("contactMenu.remove"), testid: "contact-menu-remove", danger: true, run: () => openRemove(jid, row) });
    const box = row.getBoundingClientRect();
    const where = at ?? { x: box.left + 16, y: box.bottom };
    const name = nameOf(jid);
    show(jid, row, (done) => (
      <PopupMenu testid="contact-menu" label={() => say("contactMenu.label", { name: name() })} entries={entries} x={where.x} y={where.y} close={done} />
    ));
    menuOf = { jid, at: Date.now() };
  }

  /** The contact as the roster has it, followed while the dialog is open. */
  function follow(jid: string): () => RosterItem {
    const [item, setItem] = createSignal(roster.items.get(jid)!);
    onCleanup(
      roster.itemsChanged.on(() => {
        const next = roster.items.get(jid);
        if (next) setItem(next);
      }),
    );
    return item;
  }

  function openEditor(jid: string, row: HTMLElement): void {
    if (!roster.items.has(jid)) return;
    const known = [...new Set([...roster.items.values()].flatMap((i) => i.groups))].sort(compareGroups);
    // Props written as calls become getters, called on every read: the
    // accessors are made once, outside the JSX.
    show(jid, row, (done) => {
      const item = follow(jid);
      return (
        <ContactEditor
          lang={lang}
          item={item}
          knownGroups={known}
          save={(name, groups) => backend.invoke("update_contact", { args: { jid, name, groups } })}
          close={() => done(true)}
        />
      );
    });
  }

  function openRemove(jid: string, row: HTMLElement): void {
    const name = nameOf(jid);
    show(jid, row, (done) => (
      <RemoveConfirm lang={lang} name={name} remove={() => backend.invoke("remove_contact", { args: { jid } })} close={() => done(true)} />
    ));
  }

  async function ask(jid: string, row: HTMLElement): Promise<void> {
    let error: IpcError;
    try {
      await backend.invoke("ask_presence", { args: { jid, ask: true } });
      return;
    } catch (e) {
      error = toIpcError(e);
    }
    const name = nameOf(jid);
    show(jid, row, (done) => <AskFailed lang={lang} name={name} error={error} close={() => done(true)} />);
  }

  return {
    openMenu,
    menuJustOpened: (jid, ms) => menuOf !== null && menuOf.jid === jid && Date.now() - menuOf.at < ms,
    dispose: () => {
      close();
      offLang();
    },
  };
}
