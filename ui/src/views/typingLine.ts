import { Disposer, el, setHidden, setText } from "../dom";
import { onLangChange, t } from "../i18n";
import { peerLabel, type PeerNames } from "../peers";
import type { TypingStore } from "../state/typing";
import { viewOf, type View } from "./view";

export type TypingContext = PeerNames & {
  readonly typing: TypingStore;
};

/** "Anna is typing…", "Bob and Carol are typing…", "5 people are typing…" (as text). */
export function typingText(ctx: PeerNames, peer: string, typers: string[]): string {
  const names = typers.map((who) => (who === "" ? peerLabel(ctx, peer) : who));
  if (names.length === 1) return t("typing.one", { name: names[0]! });
  if (names.length === 2) return t("typing.two", { first: names[0]!, second: names[1]! });
  return t("typing.many", { count: names.length });
}

/** The line in a conversation's header that says who is typing (XEP-0085). */
export function createTypingLine(ctx: TypingContext, peer: string): View {
  const disposer = new Disposer();
  const line = el("div", { class: "typing", "data-testid": "typing", "aria-live": "polite", hidden: true });
  const render = (): void => {
    const typers = ctx.typing.typers(peer);
    setText(line, typers.length === 0 ? "" : typingText(ctx, peer, typers));
    setHidden(line, typers.length === 0);
  };
  disposer.add(ctx.typing.changed.on((p) => {
    if (p === peer) render();
  }));
  disposer.add(onLangChange(render));
  render();
  return viewOf(line, disposer);
}
