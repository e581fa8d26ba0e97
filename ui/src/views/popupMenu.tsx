// A small pop-up menu (WAI-ARIA menu pattern) and the overlay host every
// floating Solid component is mounted into. Generic: the caller gives the
// entries and where to put it; nothing here knows about contacts.
import { For, onCleanup, onMount, type JSX } from "solid-js";
import { render } from "solid-js/web";

/** One entry of a menu. */
export interface MenuEntry {
  /** Its label in the current language (read again when the language changes). */
  readonly label: () => string;
  readonly testid: string;
  /** Drawn as a destructive action. */
  readonly danger?: boolean;
  run(): void;
}

export interface PopupMenuProps {
  readonly testid: string;
  /** The menu's accessible name. */
  readonly label: () => string;
  readonly entries: readonly MenuEntry[];
  /** Viewport coordinates of its top left corner (moved in if it would overflow). */
  readonly x: number;
  readonly y: number;
  /**
   * It wants to close: Esc or an entry chosen (`returnFocus`: focus goes
   * back to where it came from), a click or focus elsewhere (focus stays
   * where the user put it).
   */
  close(returnFocus: boolean): void;
}

/** Space kept between the menu and the window's edges, in pixels. */
const EDGE = 4;

/**
 * The menu: focus is on its first entry when it opens; arrow keys, Home
 * and End move between the entries (wrapping), Enter or Space choose one,
 * Esc (or Tab) closes it.
 */
export function PopupMenu(p: PopupMenuProps): JSX.Element {
  let menu!: HTMLDivElement;
  const items = (): HTMLElement[] => [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];

  const move = (to: (index: number, count: number) => number): void => {
    const list = items();
    if (list.length === 0) return;
    const at = list.indexOf(document.activeElement as HTMLElement);
    list[(to(at, list.length) + list.length) % list.length]!.focus();
  };

  const keydown = (e: KeyboardEvent): void => {
    // The menu's own keys are not the roster's (or the window's) shortcuts.
    e.stopPropagation();
    if (e.key === "ArrowDown") move((at) => at + 1);
    else if (e.key === "ArrowUp") move((at, n) => (at < 0 ? n - 1 : at - 1));
    else if (e.key === "Home") move(() => 0);
    else if (e.key === "End") move((_, n) => n - 1);
    // Tab leaves the menu back to the row, not to wherever the removed
    // menu's place in the tab order would lead.
    else if (e.key === "Escape" || e.key === "Tab") p.close(true);
    else return;
    e.preventDefault();
  };

  const choose = (entry: MenuEntry): void => {
    // Closed first: what the entry opens (a dialog) takes the focus from the row.
    p.close(true);
    entry.run();
  };

  const outside = (e: Event): void => {
    if (!(e.target instanceof Node) || !menu.contains(e.target)) p.close(false);
  };
  const away = (): void => p.close(false);

  onMount(() => {
    // Where it was asked for, moved in from the window's edges; set through
    // the CSSOM, the CSP allowing no style attributes.
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const x = Math.max(EDGE, Math.min(p.x, window.innerWidth - width - EDGE));
    const y = Math.max(EDGE, Math.min(p.y, window.innerHeight - height - EDGE));
    menu.style.left = `${x}px`;
    menu.style.top = `${y}px`;
    items()[0]?.focus();
    // Capture: a click that something else stops still closes the menu.
    document.addEventListener("mousedown", outside, true);
    window.addEventListener("resize", away);
    window.addEventListener("blur", away);
  });
  onCleanup(() => {
    document.removeEventListener("mousedown", outside, true);
    window.removeEventListener("resize", away);
    window.removeEventListener("blur", away);
  });

  return (
    <div
      ref={menu}
      class="popup-menu"
      role="menu"
      aria-label={p.label()}
      data-testid={p.testid}
      on:keydown={keydown}
      on:focusout={(e: FocusEvent) => {
        if (e.relatedTarget instanceof Node && !menu.contains(e.relatedTarget)) p.close(false);
      }}
      on:contextmenu={(e: MouseEvent) => e.preventDefault()}
    >
      <For each={p.entries}>
        {(entry) => (
          <button
            type="button"
            role="menuitem"
            tabindex="-1"
            class={entry.danger ? "popup-menu-item danger" : "popup-menu-item"}
            data-testid={entry.testid}
            on:click={() => choose(entry)}
          >
            {entry.label()}
          </button>
        )}
      </For>
    </div>
  );
}

/**
 * Mounts `make()` in a host of its own at the end of the document, above
 * the window: a Solid root released, with the host, by the returned
 * function (safe to call twice).
 */
export function mountOverlay(make: () => JSX.Element): () => void {
  const host = document.createElement("div");
  host.className = "overlay-host";
  document.body.append(host);
  let dispose: (() => void) | null = render(make, host);
  return () => {
    const d = dispose;
    dispose = null;
    if (d === null) return;
    d();
    host.remove();
  };
}
