// What can be done to a contact from its roster row, or to a group from
// its header: their menus and the dialogs the menus open, each a Solid root in an overlay above the window
// (a form inline in the sidebar pushed the roster away). At most one is
// open at a time; all are released with the roster view.
import { createSignal, onCleanup, type JSX } from "solid-js";
import { toIpcError } from "../backend";
import { shown } from "../bidi";
import type { IpcError, RosterItem } from "../bindings";
import { getLang, onLangChange } from "../i18n";
import type { RosterStore } from "../state/roster";
import { AskFailed, ConfirmDialog, ContactEditor, sayer, type ConfirmKeys } from "./contactDialogs";
import { GroupRename } from "./groupDialogs";
import { mountOverlay, PopupMenu, type MenuEntry } from "./popupMenu";
import { compareGroups } from "./rosterRows";
import type { Calls } from "./view";

const REMOVE_KEYS: ConfirmKeys = {
  title: "contactRemove.title",
  question: "contactRemove.question",
  error: "contactRemove.error",
  cancel: "contactRemove.cancel",
  ok: "contactRemove.ok",
  busy: "contactRemove.removing",
};

const DISSOLVE_KEYS: ConfirmKeys = {
  title: "groupDissolve.title",
  question: "groupDissolve.question",
  error: "groupDissolve.error",
  cancel: "groupDissolve.cancel",
  ok: "groupDissolve.ok",
  busy: "groupDissolve.dissolving",
};


export interface ContactActionsContext {
  readonly roster: RosterStore;
  readonly backend: Calls<"update_contact" | "remove_contact" | "ask_presence" | "regroup">;
}

export interface ContactActions {
  /**
   * Opens the menu of the contact whose row is `row`: at the pointer
   * (`at`), or under the row when opened from the keyboard (`at` null).
   */
  openMenu(row: HTMLElement, at: { readonly x: number; readonly y: number } | null): void;
  /** Whether the menu of `jid` opened within the last `ms` milliseconds. */
  menuJustOpened(jid: string, ms: number): boolean;
  /**
   * Opens the menu of the group whose header row is `header` (not for the
   * ungrouped "Contacts", key ""), placed as `openMenu` places it.
   */
  openGroupMenu(header: HTMLElement, at: { readonly x: number; readonly y: number } | null): void;
  /** Whether the menu of the group `group` opened within the last `ms` milliseconds. */
  groupMenuJustOpened(group: string, ms: number): boolean;
  dispose(): void;
}

/** Whether we may ask to see their presence: we do not, and have not asked yet. */
export function mayAsk(item: RosterItem): boolean {
  return (item.subscription === "none" || item.subscription === "from") && !item.pendingOut;
}

/** Whether we see their presence, and so may stop seeing it. */
export function mayStop(item: RosterItem): boolean {
  return item.subscription === "to" || item.subscription === "both";
}

/** Puts the focus back where a menu or dialog came from, when it closes. */
export interface Refocus {
  /** On the contact's row (it may have been redrawn or scrolled away meanwhile). */
  contact(jid: string, row: HTMLElement): void;
  /** On the header of the first of `groups` still listed, else on `header`. */
  group(groups: readonly string[], header: HTMLElement): void;
}

/** The contact and group menus and their dialogs. */
export function createContactActions(ctx: ContactActionsContext, refocus: Refocus): ContactActions {
  const { roster, backend } = ctx;
  const [lang, setLang] = createSignal(getLang());
  const offLang = onLangChange(() => setLang(getLang()));
  const say = sayer(lang);
  /** Closes what is open; null when nothing is. */
  let current: (() => void) | null = null;
  /** Which menu opened last ("contact:" or "group:" and its key), and when. */
  let menuOf: { of: string; at: number } | null = null;

  const close = (): void => {
    const c = current;
    current = null;
    menuOf = null;
    c?.();
  };

  /**
   * Shows `make(done)` instead of whatever is open. `done` closes it (once:
   * a late call from something already replaced does nothing) and, when
   * `back`, calls `goBack` to put the focus back where it came from.
   */
  function show(goBack: () => void, make: (done: (back: boolean) => void) => JSX.Element): void {
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
      if (back) goBack();
    };
    current = closeThis;
    unmount = mountOverlay(() => make(done));
    // Closed while it was being mounted.
    if (closed) unmount();
  }

  const toRow = (jid: string, row: HTMLElement) => (): void => refocus.contact(jid, row);

  /** Roster names are not translated: no need to follow the language. */
  const nameOf = (jid: string) => (): string => roster.name(jid);

  function openMenu(row: HTMLElement, at: { readonly x: number; readonly y: number } | null): void {
    const jid = row.dataset.jid;
    const item = jid === undefined ? undefined : roster.items.get(jid);
    if (jid === undefined || !item) return;
    const entries: MenuEntry[] = [{ label: () => say("contactMenu.edit"), testid: "contact-menu-edit", run: () => openEditor(jid, row) }];
    if (mayAsk(item)) entries.push({ label: () => say("contactMenu.ask"), testid: "contact-menu-ask", run: () => void ask(jid, row, true) });
    if (mayStop(item)) entries.push({ label: () => say("contactMenu.stop"), testid: "contact-menu-stop", run: () => void ask(jid, row, false) });
    entries.push({ label: () => say("contactMenu.remove"), testid: "contact-menu-remove", danger: true, run: () => openRemove(jid, row) });
    const box = row.getBoundingClientRect();
    const where = at ?? { x: box.left + 16, y: box.bottom };
    const name = nameOf(jid);
    show(toRow(jid, row), (done) => (
      <PopupMenu testid="contact-menu" label={() => say("contactMenu.label", { name: name() })} entries={entries} x={where.x} y={where.y} close={done} />
    ));
    menuOf = { of: `contact:${jid}`, at: Date.now() };
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
    show(toRow(jid, row), (done) => {
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
    show(toRow(jid, row), (done) => (
      <ConfirmDialog
        lang={lang}
        keys={REMOVE_KEYS}
        params={() => ({ name: name() })}
        testid="contact-remove"
        act={() => backend.invoke("remove_contact", { args: { jid } })}
        close={() => done(true)}
      />
    ));
  }

  /** Asks to see their status (`want`), or stops seeing it. */
  async function ask(jid: string, row: HTMLElement, want: boolean): Promise<void> {
    let error: IpcError;
    try {
      await backend.invoke("ask_presence", { args: { jid, ask: want } });
      return;
    } catch (e) {
      error = toIpcError(e);
    }
    const name = nameOf(jid);
    const lead = want ? "contactAsk.error" : "contactStop.error";
    show(toRow(jid, row), (done) => <AskFailed lang={lang} name={name} error={error} lead={lead} close={() => done(true)} />);
  }

  /** How many contacts are in `group`. */
  const membersOf = (group: string): number => [...roster.items.values()].filter((i) => i.groups.includes(group)).length;

  function openGroupMenu(header: HTMLElement, at: { readonly x: number; readonly y: number } | null): void {
    const group = header.dataset.group;
    if (group === undefined || group === "") return;
    const entries: MenuEntry[] = [
      { label: () => say("groupMenu.rename"), testid: "group-menu-rename", run: () => openRename(group, header) },
      { label: () => say("groupMenu.dissolve"), testid: "group-menu-dissolve", danger: true, run: () => openDissolve(group, header) },
    ];
    const box = header.getBoundingClientRect();
    const where = at ?? { x: box.left + 16, y: box.bottom };
    show(
      () => refocus.group([group], header),
      (done) => <PopupMenu testid="group-menu" label={() => say("groupMenu.label", { group: shown(group) })} entries={entries} x={where.x} y={where.y} close={done} />,
    );
    menuOf = { of: `group:${group}`, at: Date.now() };
  }

  function openRename(group: string, header: HTMLElement): void {
    let to: string | null = null;
    // After a rename the focus goes to the header under the new name once the roster has it.
    show(
      () => refocus.group(to === null ? [group] : [to, group], header),
      (done) => (
        <GroupRename
          lang={lang}
          group={group}
          rename={(name) => backend.invoke("regroup", { args: { from: group, to: name } })}
          close={(renamed) => {
            to = renamed;
            done(true);
          }}
        />
      ),
    );
  }

  function openDissolve(group: string, header: HTMLElement): void {
    const count = membersOf(group);
    show(
      () => refocus.group([group], header),
      (done) => (
        <ConfirmDialog
          lang={lang}
          keys={DISSOLVE_KEYS}
          params={() => ({ group: shown(group), count })}
          testid="group-dissolve"
          act={() => backend.invoke("regroup", { args: { from: group, to: "" } })}
          close={() => done(true)}
        />
      ),
    );
  }

  return {
    openMenu,
    menuJustOpened: (jid, ms) => menuOf !== null && menuOf.of === `contact:${jid}` && Date.now() - menuOf.at < ms,
    openGroupMenu,
    groupMenuJustOpened: (group, ms) => menuOf !== null && menuOf.of === `group:${group}` && Date.now() - menuOf.at < ms,
    dispose: () => {
      close();
      offLang();
    },
  };
}
