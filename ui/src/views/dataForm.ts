import type { DataForm, FormField, FormValue } from "../bindings";
import { el } from "../dom";
import { tattr } from "../i18n";
import { uniqueId } from "./formFields";

export interface RenderedForm {
  /** Title, instructions and one `form-field` per field that is not hidden. */
  readonly root: HTMLElement;
  /** The values of every field shown (hidden ones are re-added by the backend). */
  values(): FormValue[];
  /** The first required field left empty, if any. */
  missing(): HTMLElement | null;
  setDisabled(disabled: boolean): void;
}

const TRUE = new Set(["1", "true"]);

/** Lines of a multi-line field; a last empty line (the trailing newline) is dropped. */
function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split(/\r?\n/);
  if (out.at(-1) === "") out.pop();
  return out;
}

interface Control {
  readonly node: HTMLElement;
  readonly focus: HTMLElement;
  readonly controls: Array<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>;
  values(): string[];
}

function control(f: FormField, id: string): Control | null {
  const first = f.values[0] ?? "";
  switch (f.kind) {
    case "textSingle":
    case "textPrivate":
    case "jidSingle": {
      const type = f.kind === "textPrivate" ? "password" : "text";
      const input = el("input", { id, type, value: first, autocomplete: "off", spellcheck: f.kind === "jidSingle" ? "false" : null, required: f.required });
      return { node: input, focus: input, controls: [input], values: () => (input.value === "" ? [] : [input.value]) };
    }
    case "textMulti":
    case "jidMulti": {
      const area = el("textarea", { id, rows: 3, spellcheck: f.kind === "jidMulti" ? "false" : null, required: f.required });
      area.value = f.values.join("\n");
      return { node: area, focus: area, controls: [area], values: () => lines(area.value) };
    }
    case "boolean": {
      const box = el("input", { id, type: "checkbox" });
      box.checked = TRUE.has(first);
      return { node: box, focus: box, controls: [box], values: () => [box.checked ? "1" : "0"] };
    }
    case "listSingle": {
      const options = [...f.options];
      if (first !== "" && !options.some((o) => o.value === first)) options.unshift({ label: null, value: first });
      const select = el(
        "select",
        { id, required: f.required },
        first === "" ? el("option", { value: "" }, "") : null,
        ...options.map((o) => el("option", { value: o.value }, o.label ?? o.value)),
      );
      select.value = first;
      return { node: select, focus: select, controls: [select], values: () => (select.value === "" ? [] : [select.value]) };
    }
    case "listMulti": {
      const boxes = f.options.map((o, i) => {
        const box = el("input", { id: `${id}-${i}`, type: "checkbox", value: o.value });
        box.checked = f.values.includes(o.value);
        return { box, row: el("div", { class: "field check" }, box, el("label", { for: box.id }, o.label ?? o.value)) };
      });
      const group = el("div", { id, class: "form-multi", role: "group" }, ...boxes.map((b) => b.row));
      return {
        node: group,
        focus: boxes[0]?.box ?? group,
        controls: boxes.map((b) => b.box),
        values: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
      };
    }
    case "fixed":
    case "hidden":
      return null;
  }
}

/**
 * A XEP-0004 data form as HTML controls. Every string the server sent
 * (labels, descriptions, values) becomes text, never markup.
 */
export function renderDataForm(form: DataForm): RenderedForm {
  const fields: Array<{ field: FormField; control: Control }> = [];
  const nodes: HTMLElement[] = [];
  if (form.title) nodes.push(el("h3", { class: "data-form-title" }, form.title));
  if (form.instructions) nodes.push(...form.instructions.split("\n").map((line) => el("p", { class: "data-form-instructions" }, line)));
  for (const f of form.fields) {
    if (f.kind === "hidden") continue;
    if (f.kind === "fixed") {
      nodes.push(el("div", { class: "form-field fixed", "data-testid": "form-field", "data-var": f.var }, ...f.values.map((v) => el("p", null, v))));
      continue;
    }
    if (f.var === null) continue;
    const id = uniqueId(`form-field-${f.kind}`);
    const c = control(f, id)!;
    fields.push({ field: f, control: c });
    const label = f.label ?? f.var;
    const required = f.required ? el("span", { class: "required", ...tattr("title", "dataForm.required"), ...tattr("aria-label", "dataForm.required") }, "*") : null;
    const desc = f.desc ? el("p", { class: "hint", id: `${id}-desc` }, f.desc) : null;
    if (desc) c.focus.setAttribute("aria-describedby", desc.id);
    const check = f.kind === "boolean";
    const labelNode = f.kind === "listMulti" ? el("span", { class: "form-label" }, label, required) : el("label", { for: id }, label, required);
    nodes.push(
      el(
        "div",
        { class: check ? "form-field field check" : "form-field field", "data-testid": "form-field", "data-var": f.var, "data-kind": f.kind },
        ...(check ? [c.node, labelNode] : [labelNode, c.node]),
        desc,
      ),
    );
  }
  return {
    root: el("div", { class: "data-form" }, ...nodes),
    values: () => fields.map(({ field, control }) => ({ var: field.var!, values: control.values() })),
    missing: () => fields.find(({ field, control }) => field.required && field.kind !== "boolean" && control.values().length === 0)?.control.focus ?? null,
    setDisabled(disabled) {
      for (const { control } of fields) for (const c of control.controls) c.disabled = disabled;
    },
  };
}
