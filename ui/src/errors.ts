import type { IpcError, Problem } from "./bindings";
import { el } from "./dom";
import { t } from "./i18n";

/** The translated sentence for an error code. */
export function problemText(p: Problem | IpcError): string {
  return t(`error.${p.code}`);
}

/** Translated sentence plus the backend's message as secondary detail (as text). */
export function problemNodes(p: Problem | IpcError): Node[] {
  const nodes: Node[] = [el("span", { class: "problem-text" }, problemText(p))];
  if (p.message.trim() !== "") {
    nodes.push(el("span", { class: "problem-detail" }, t("error.detail", { detail: p.message })));
  }
  return nodes;
}

/**
 * "What failed." then why: the backend's own sentence (a room's refusal,
 * such as "That nickname is already taken in this room; choose another."),
 * or the translated code when it sent none. All as text.
 */
export function refusalNodes(lead: string, p: Problem | IpcError): Node[] {
  const why = p.message.trim() !== "" ? p.message : problemText(p);
  return [el("span", { class: "problem-text" }, lead), document.createTextNode(" "), el("span", { class: "problem-reason" }, why)];
}
