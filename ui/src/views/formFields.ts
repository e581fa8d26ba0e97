// Labelled form controls shared by the login form and its connection dialog.
// The test id doubles as the element id, so every label can point at it.
import { el, type Attrs } from "../dom";
import { tx, type Key } from "../i18n";

export function input(testid: string, attrs: Attrs = {}): HTMLInputElement {
  return el("input", { id: testid, "data-testid": testid, ...attrs });
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
