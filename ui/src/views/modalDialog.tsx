// A modal dialog above the whole window (WAI-ARIA dialog pattern), for
// forms that must not push the sidebar's content away. Generic: the
// caller gives the title and the content.
import { onCleanup, onMount, type JSX } from "solid-js";

export interface ModalProps {
  readonly testid: string;
  /** Its title in the current language; it names the dialog. */
  readonly title: () => string;
  readonly class?: string;
  /** "alertdialog" for a question that needs an answer (a confirmation). */
  readonly role?: "dialog" | "alertdialog";
  /** A request is out: marked busy for assistive technology. */
  readonly busy?: () => boolean;
  /** Esc: the caller closes it (and puts focus back where it came from). */
  cancel(): void;
  readonly children: JSX.Element;
}

const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';
let nextId = 0;

/**
 * The dialog over a dimmed backdrop. Focus moves to its `data-autofocus`
 * element (else its first field) when it opens and stays inside it: Tab
 * and Shift+Tab wrap around, and focus that lands outside (a click on the
 * window behind) is brought back. Its keys are not the window's
 * shortcuts.
 */
export function Modal(p: ModalProps): JSX.Element {
  const titleId = `modal-title-${++nextId}`;
  let box!: HTMLDivElement;

  const focusables = (): HTMLElement[] =>
    [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (n) => !(n as HTMLButtonElement).disabled && n.closest("[hidden]") === null,
    );
  const focusFirst = (): void => {
    (box.querySelector<HTMLElement>("[data-autofocus]") ?? focusables()[0] ?? box).focus();
  };

  const keydown = (e: KeyboardEvent): void => {
    e.stopPropagation();
    if (e.key === "Escape") {
      e.preventDefault();
      p.cancel();
    } else if (e.key === "Tab") {
      const list = focusables();
      const first = list[0];
      const last = list[list.length - 1];
      if (!first || !last) return e.preventDefault();
      const at = document.activeElement;
      if (e.shiftKey && (at === first || at === box)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && at === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  const keepFocus = (e: FocusEvent): void => {
    if (e.target instanceof Node && !box.contains(e.target)) focusFirst();
  };

  onMount(() => {
    focusFirst();
    document.addEventListener("focusin", keepFocus, true);
  });
  onCleanup(() => document.removeEventListener("focusin", keepFocus, true));

  return (
    <div
      class="modal-backdrop"
      // A press on the backdrop would take the focus out of the dialog.
      on:mousedown={(e: MouseEvent) => e.target === e.currentTarget && e.preventDefault()}
    >
      <div
        ref={box}
        class={p.class ? `modal ${p.class}` : "modal"}
        role={p.role ?? "dialog"}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={p.busy?.() ? "true" : undefined}
        tabindex="-1"
        data-testid={p.testid}
        on:keydown={keydown}
      >
        <h2 id={titleId} class="modal-title">
          {p.title()}
        </h2>
        {p.children}
      </div>
    </div>
  );
}
