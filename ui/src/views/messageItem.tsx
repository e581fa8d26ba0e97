// One message of the list as a Solid component. A row is mounted once
// when it comes into the rendered window and kept until it leaves: a
// changed message (delivery state, correction, retraction, reactions) is
// handed to `update`, and only what depends on the fields that changed is
// written to the DOM, in place. Every remote string is inserted as text
// (text nodes and attribute values; the static templates hold only our
// own markup).
import { createMemo, createRoot, createSignal, Show, type Accessor, type JSX } from "solid-js";
import { shown } from "../bidi";
import type { ChatMessage, DeliveryState } from "../bindings";
import { problemNodes } from "../errors";
import { t, type Lang } from "../i18n";
import { styledBody, unstyledBody } from "../styling";
import { formatClock, formatFull, toDate } from "../time";
import type { MessageActions } from "./messageActions";
import { Actions, Edited, label, Quote, Reactions } from "./messageParts";

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
    const el = (<MessageItem m={message} ctx={ctx} />) as HTMLLIElement;
    return { el, update: (next) => setMessage(() => next), dispose };
  });
}

function MessageItem(p: { readonly m: Accessor<ChatMessage>; readonly ctx: MessageRowContext }): JSX.Element {
  const { m, ctx } = p;
  const { lang, actions } = ctx;
  // Fields whose change costs more than comparing a value are memos: the
  // body is drawn again only when its text (or styling) changed, not on
  // every receipt.
  const timestamp = createMemo(() => m().timestamp);
  const date = createMemo(() => toDate(timestamp()));
  const text = createMemo(() => m().body);
  const unstyled = createMemo(() => m().unstyled);
  const body = createMemo(() => (unstyled() ? unstyledBody(text()) : styledBody(text())));
  const notice = (): boolean => m().kind === "headline";
  // In a room the peer is the room: who wrote it is the sender's nick.
  const sender = (): string | null => {
    const x = m();
    return x.kind === "groupchat" && x.direction === "in" && x.sender !== null ? x.sender : null;
  };
  const failed = (): boolean => m().state === "failed" && m().direction === "out";
  const stateLabel = (): string => {
    lang();
    return t(`state.${m().state}`);
  };
  const edited = (): number | null => (m().retracted ? null : m().edited);
  return (
    <li
      class={`message ${m().direction}${notice() ? " notice" : ""}${ctx.isMention(m()) ? " mention" : ""}${m().retracted ? " retracted" : ""}`}
      data-testid="message"
      data-id={m().id}
      data-direction={m().direction}
      data-state={m().state}
      data-kind={m().kind}
    >
      <time datetime={date().toISOString()} title={formatFull(date(), lang())}>
        {formatClock(date())}
      </time>
      <div class="message-content">
        <Show when={notice()}>
          <span class="notice-label" data-i18n="messages.notice">
            {label(lang, "messages.notice")}
          </span>
        </Show>
        <Show when={sender() !== null}>
          <span class="message-sender" data-testid="message-sender">
            {shown(sender() ?? "")}
          </span>
        </Show>
        <Show when={m().subject}>
          <strong class="message-subject">{m().subject}</strong>
        </Show>
        <Show when={m().reply !== null && !m().retracted}>
          <Quote m={m} actions={actions} lang={lang} />
        </Show>
        <Show
          when={!m().retracted}
          fallback={
            <div class="message-body message-tombstone" data-testid="message-tombstone" data-i18n="message.retracted">
              {label(lang, "message.retracted")}
            </div>
          }
        >
          <div class="message-body" data-testid="message-body">
            {body()}
          </div>
        </Show>
        {/* Keyed on the time of the correction: a new one draws it afresh. */}
        <Show when={edited()} keyed>
          {(at) => <Edited m={m} actions={actions} lang={lang} edited={at} />}
        </Show>
        <Show when={m().reactions.length > 0 && !m().retracted}>
          <Reactions m={m} actions={actions} lang={lang} />
        </Show>
        <Show when={actions !== undefined && !m().retracted && !notice()}>
          <Actions m={m} actions={actions!} lang={lang} />
        </Show>
        <Show when={failed()}>
          <Failure m={m} lang={lang} />
        </Show>
      </div>
      <Show when={m().direction === "out"}>
        <span class={`message-state state-${m().state}`} role="img" title={stateLabel()} aria-label={stateLabel()}>
          {STATE_ICON[m().state]}
        </span>
      </Show>
    </li>
  );
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
