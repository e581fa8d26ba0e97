// Labelled form controls shared by the forms of the app (login, connection
// dialog, join room, bookmarks, room administration).
// The test id doubles as the element id, so every label can point at it.
import type { IpcError } from "../bindings";
import { el, setHidden, type Attrs, type Disposer } from "../dom";
import { refusalNodes } from "../errors";
import { onLangChange, t, tx, type Key } from "../i18n";

export function input(testid: string, attrs: Attrs = {}): HTMLInputElement {
  return el("input", { id: testid, "data-testid": testid, ...attrs });
}

let seq = 0;

/** A fresh element id from a test id, for forms that may exist several times (one per room tab). */
export function uniqueId(testid: string): string {
  return `${testid}-${++seq}`;
}

/** Attributes of a field for an address or a nickname: no spell check, capitals or autofill. */
export const PLAIN_TEXT: Attrs = { type: "text", spellcheck: "false", autocapitalize: "off", autocomplete: "off" };

/** An input with a unique id (see `uniqueId`). */
export function uniqueInput(testid: string, attrs: Attrs = {}): HTMLInputElement {
  const node = input(testid, attrs);
  node.id = uniqueId(testid);
  return node;
}

/** A select whose options are translated labels for fixed values. */
export function select(testid: string, options: ReadonlyArray<readonly [string, Key]>): HTMLSelectElement {
  return el("select", { id: testid, "data-testid": testid }, ...options.map(([value, key]) => tx("option", key, { value })));
}

export function field(label: Key, control: HTMLElement, cls = "field"): HTMLElement {
  return el("div", { class: cls }, tx("label", label, { for: control.id }), control);
}

/** Checkbox or radio, label after the box. */
export function checkboxField(label: Key, control: HTMLInputElement): HTMLElement {
  return el("div", { class: "field check" }, control, tx("label", label, { for: control.id }));
}

/** A whole number in [min, max] typed by the user, or null when it is not one. */
export function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^[+-]?\d{1,7}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** What a form shows under its fields: a check that failed on a control, or the backend's refusal. */
export type FormProblem = { key: Key; invalid: HTMLElement } | { error: IpcError } | null;

export interface ErrorLine {
  readonly root: HTMLDivElement;
  show(problem: FormProblem): void;
  readonly problem: FormProblem;
}

/**
 * The error line of a form: a failed check marks its control aria-invalid
 * and shows a translated sentence; a refusal shows `lead` then the
 * backend's reason (as text). Relabelled when the language changes.
 */
export function errorLine(testid: string, cls: string, lead: Key, disposer: Disposer): ErrorLine {
  const root = el("div", { class: `${cls} form-error`, role: "alert", "data-testid": testid, hidden: true });
  let problem: FormProblem = null;
  let marked: HTMLElement | null = null;
  const render = (): void => {
    marked?.removeAttribute("aria-invalid");
    marked = null;
    if (problem === null) {
      root.replaceChildren();
    } else if ("key" in problem) {
      marked = problem.invalid;
      marked.setAttribute("aria-invalid", "true");
      root.replaceChildren(t(problem.key));
    } else {
      root.replaceChildren(...refusalNodes(t(lead), problem.error));
    }
    setHidden(root, problem === null);
  };
  disposer.add(onLangChange(render));
  return {
    root,
    show(next) {
      problem = next;
      render();
    },
    get problem() {
      return problem;
    },
  };
}
