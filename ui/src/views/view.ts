// The one contract every view keeps. A view is created by a function that
// takes the narrow context it needs (the stores it reads, the calls it
// makes) and returns its element plus `dispose()`, which releases every
// store subscription, language listener, timer and backend listener the
// view took. A parent that creates a child view adopts it: disposing the
// parent disposes the child.
import type { Commands } from "../bindings";
import type { Disposer } from "../dom";

export interface View<E extends HTMLElement = HTMLElement> {
  readonly el: E;
  dispose(): void;
}

/** `child` is disposed with `owner`. Returns the child. */
export function adopt<V extends View>(owner: Disposer, child: V): V {
  owner.add(() => child.dispose());
  return child;
}

/** A view made of `el`, cleaned up by `disposer`. */
export function viewOf<E extends HTMLElement>(el: E, disposer: Disposer): View<E> {
  return { el, dispose: () => disposer.dispose() };
}

/**
 * The part of the backend a view may use: only the commands in `K`. A
 * view's context type says which calls it makes; the real backend (and the
 * test double) fits every such type.
 */
export interface Calls<K extends keyof Commands> {
  invoke<C extends K>(cmd: C, args: Commands[C]["args"]): Promise<Commands[C]["result"]>;
}

/** A view that listens only to its own elements: disposing it has nothing to release. */
export function staticView<E extends HTMLElement>(el: E): View<E> {
  return { el, dispose: () => undefined };
}

/** What the app shows as a whole: the login form or the main window. */
export interface Screen extends View {
  readonly kind: "login" | "main";
  /** Called once the screen is in the document. */
  mounted?(): void;
}
