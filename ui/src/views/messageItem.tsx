// One message of the list as a Solid component. A row is mounted once
// when it comes into the rendered window and kept until it leaves: a
// changed message (delivery state, correction, retraction, reactions) is
// handed to `update`, and only what depends on the fields that changed is
// written to the DOM, in place. Every remote string is inserted as text
// (text nodes and attribute values; the static templates hold only our
// own markup).
import { createMemo, createRoot, createSignal, untrack, type Accessor, type JSX } from "solid-js";
import { shown } from "../bidi";
import type { ChatMessage, DeliveryState } from "../bindings";
import { problemNodes } from "../errors";
import { t, type Lang } from "../i18n";
import { styledBody, unstyledBody } from "../styling";
import { formatClock, formatFull, toDate } from "../time";
import type { MessageActions } from "./messageActions";
import { Actions, Edited, label, part, Quote, Reactions } from "./messageParts";

const STATE_ICON: Record<DeliveryState, string> = {
  queued: "⏳", sent: "✓", acked: "✓", delivered: "✓✓", read: "👁", received: "✓✓", failed: "⚠",
};

export interface MessageRowContext {
  /** A room message that names our nick (highlighted). */
  isMention(m: ChatMessage): boolean;
  /** What the user may do to the messages (edit, retract, earlier texts). */
  readonly actions?: MessageActions;
  /** The UI language; labels and dates follow it. */
  readonly lang: Accessor<Lang>;
}

/** A mounted message: its element, kept up to date until disposed. */
export interface MessageRow {
  readonly el: HTMLLIElement;
  /** The message changed (same id): the element follows, in place. */
  update(m: ChatMessage): void;
  /** Releases its computations; the element is left for the list to remove. */
  dispose(): void;
}

/** Mounts message `m` as a list item (a Solid root of its own). */
export function mountMessage(m: ChatMessage, ctx: MessageRowContext): MessageRow {
  return createRoot((dispose) => {
    const [message, setMessage] = createSignal(m);
    const el = messageItem(message, ctx);
    return { el, update: (next) => setMessage(() => next), dispose };
  });
}

/**
 * The list item. What a message id fixes (its direction, kind and, in a
 * room, who wrote it) is drawn once; the rest follows `m`. A flood mounts
 * a row per message, so a row takes few computations: the optional parts
 * of the content are one array (an absent part leaves no placeholder node)
 * and anything that formats (dates, the body) is a memo, redone only when
 * its own input changed.
 */
function messageItem(m: Accessor<ChatMessage>, ctx: MessageRowContext): HTMLLIElement {
  const { lang, actions } = ctx;
  const first = untrack(m);
  const notice = first.kind === "headline";
  // In a room the peer is the room: who wrote it is the sender's nick.
  const sender = first.kind === "groupchat" && first.direction === "in" && first.sender !== null ? first.sender : null;
  const base = `message ${first.direction}${notice ? " notice" : ""}`;

  const timestamp = createMemo(() => m().timestamp);
  const date = createMemo(() => toDate(timestamp()));
  const full = createMemo(() => formatFull(date(), lang()));
  const text = createMemo(() => m().body);
  const unstyled = createMemo(() => m().unstyled);
  const retracted = createMemo(() => m().retracted);
  const edited = createMemo(() => (retracted() ? null : m().edited));

  const parts: Array<JSX.Element | Accessor<JSX.Element>> = [
    notice ? (
      <span class="notice-label" data-i18n="messages.notice">
        {label(lang, "messages.notice")}
      </span>
    ) : null,
    sender !== null ? (
      <span class="message-sender" data-testid="message-sender">
        {shown(sender)}
      </span>
    ) : null,
    part(
      () => m().subject,
      () => <strong class="message-subject">{m().subject}</strong>,
    ),
    part(
      () => m().reply !== null && !retracted(),
      () => <Quote m={m} actions={actions} lang={lang} />,
    ),
    part(
      () => !retracted(),
      () => (
        <div class="message-body" data-testid="message-body">
          {unstyled() ? unstyledBody(text()) : styledBody(text())}
        </div>
      ),
    ),
    part(retracted, () => (
      <div class="message-body message-tombstone" data-testid="message-tombstone" data-i18n="message.retracted">
        {label(lang, "message.retracted")}
      </div>
    )),
    // Keyed on the time of the correction: a new one draws it afresh.
    createMemo(() => {
      const at = edited();
      return at === null ? null : untrack(() => <Edited m={m} actions={actions} lang={lang} edited={at} />);
    }),
    part(
      () => m().reactions.length > 0 && !retracted(),
      () => <Reactions m={m} actions={actions} lang={lang} />,
    ),
    actions !== undefined && !notice
      ? part(
          () => !retracted(),
          () => <Actions m={m} actions={actions} lang={lang} />,
        )
      : null,
    part(
      () => m().state === "failed" && m().direction === "out",
      () => <Failure m={m} lang={lang} />,
    ),
  ];
  const shownParts = (): JSX.Element[] => parts.map((x) => (typeof x === "function" ? x() : x));

  const li = (
    <li
      class={`${base}${ctx.isMention(m()) ? " mention" : ""}${retracted() ? " retracted" : ""}`}
      data-testid="message"
      data-id={first.id}
      data-direction={first.direction}
      data-state={m().state}
      data-kind={first.kind}
    >
      <time datetime={date().toISOString()} title={full()}>
        {formatClock(date())}
      </time>
      <div class="message-content">{shownParts()}</div>
    </li>
  ) as HTMLLIElement;
  // Appended rather than put in the JSX: an incoming message has no state,
  // and an absent last child would still leave a placeholder node.
  if (first.direction === "out") li.append(stateIcon(m, lang));
  return li;
}

/** The delivery state of our message, as an icon named in the current language. */
function stateIcon(m: Accessor<ChatMessage>, lang: Accessor<Lang>): HTMLElement {
  const state = createMemo(() => m().state);
  const name = createMemo(() => {
    lang();
    return t(`state.${state()}`);
  });
  return (
    <span class={`message-state state-${state()}`} role="img" title={name()} aria-label={name()}>
      {STATE_ICON[state()]}
    </span>
  ) as HTMLElement;
}

/** Why an outgoing message failed, in the current language. */
function Failure(p: { readonly m: Accessor<ChatMessage>; readonly lang: Accessor<Lang> }): JSX.Element {
  const error = createMemo(() => p.m().error);
  const nodes = createMemo((): Node[] => {
    p.lang();
    const e = error();
    return e === null ? [document.createTextNode(t("state.failed"))] : problemNodes(e);
  });
  return (
    <div class="message-error" data-testid="message-error" role="alert">
      {nodes()}
    </div>
  );
}
