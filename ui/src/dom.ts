// Tiny DOM builder. Strings only ever become text nodes / attribute values:
// remote data (names, JIDs, bodies, statuses, errors) can never become markup.

export type Child = Node | string | number | null | undefined | false;
export type AttrValue = string | number | boolean | null | undefined;
/** Attribute values, or `on<event>` listeners. */
export type Attrs = { [name: string]: AttrValue | ((ev: never) => void) };

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (attrs) setAttrs(node, attrs);
  append(node, ...children);
  return node;
}

export function setAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") {
      if (!name.startsWith("on")) throw new Error(`listener attribute must start with "on": ${name}`);
      node.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else if (value === false || value === null || value === undefined) {
      node.removeAttribute(name);
    } else {
      node.setAttribute(name, String(value));
    }
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Sets text content only when it changed (avoids needless DOM mutations). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Toggles the `hidden` attribute only when it changed. */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

/** Collects cleanup functions and runs them once. */
export class Disposer {
  private fns: Array<() => void> = [];
  add(fn: () => void): void {
    this.fns.push(fn);
  }
  dispose(): void {
    const fns = this.fns;
    this.fns = [];
    for (const fn of fns.reverse()) fn();
  }
}
