// The parts of a message under its text (quote, "(edited)", reactions,
// actions) as Solid components. They read the message through an accessor:
// when the message changes (a delivery receipt, a reaction, a correction)
// only the attributes and texts that depend on what changed are written,
// and a part keeps its own state (an open emoji picker, an armed "Delete?")
// instead of being drawn again. Every remote string is inserted as text.
import { createMemo, createSignal, For, Index, Match, onCleanup, Show, Switch, untrack, type Accessor, type JSX } from "solid-js";
import type { ChatMessage, MessageVersion } from "../bindings";
import { t, type Key, type Lang } from "../i18n";
import { formatFull, toDate } from "../time";
import { createEmojiPicker } from "./emojiPicker";
import { amendable, firstLine, type MessageActions } from "./messageActions";

/** How long "Delete for everyone?" waits for the second click (ms). */
const CONFIRM_MS = 5_000;

/** What every part reads: the message, what may be done to it, the language. */
export interface PartProps {
  readonly m: Accessor<ChatMessage>;
  readonly actions: MessageActions | undefined;
  readonly lang: Accessor<Lang>;
}

/**
 * The translation of `key`, read again when the language changes. The
 * elements also carry `data-i18n`, as `tx()` gives them, which the rest of
 * the UI (and `applyI18n`) knows them by.
 */
export function label(lang: Accessor<Lang>, key: Key): string {
  lang();
  return t(key);
}

/**
 * `make()`'s element while `cond()` holds (made anew each time it starts to
 * hold, disposed when it stops), else null: `<Show>` for parts inserted
 * together as one array, where an absent part leaves no placeholder node.
 */
export function part(cond: () => unknown, make: () => JSX.Element): Accessor<JSX.Element> {
  const on = createMemo(() => !!cond());
  return createMemo(() => (on() ? untrack(make) : null));
}

/** Above a reply: who wrote the message it answers and how it began; a click goes there. */
export function Quote(p: PartProps): JSX.Element {
  const [missing, setMissing] = createSignal(false);
  // The answered message is looked up again when this one changes (as it
  // was when a changed message was drawn again), and on a language switch.
  const quoted = createMemo(() => {
    const m = p.m();
    p.lang();
    const original = p.actions?.original(m);
    return {
      author: original ? (original.direction === "out" ? t("message.you") : (original.sender ?? original.peer)) : null,
      text: original ? (original.retracted ? t("message.retracted") : firstLine(original.body)) : (m.reply?.quote ?? t("message.replyUnknown")),
    };
  });
  const click = (): void => {
    void p.actions?.showOriginal(p.m()).then((found) => {
      // Say so rather than do nothing: the original is neither loaded nor stored.
      if (!found) setMissing(true);
    });
  };
  return (
    <button type="button" class="message-quote" data-testid="message-quote" on:click={click}>
      <Show when={quoted().author !== null}>
        <span class="message-quote-author">{quoted().author}</span>
      </Show>
      <span class="message-quote-text">{quoted().text}</span>
      <Show when={missing()}>
        <span class="message-quote-missing" data-testid="message-quote-missing" role="status" data-i18n="message.replyMissing">
          {label(p.lang, "message.replyMissing")}
        </span>
      </Show>
    </button>
  );
}

/**
 * "(edited)" on a message corrected at `edited`; a click shows the earlier
 * texts (as text). Drawn anew by its caller when corrected again, so an
 * open list never shows the texts of an older correction.
 */
export function Edited(p: PartProps & { readonly edited: number }): JSX.Element {
  /** The earlier texts shown, "error" when they could not be read, null when closed. */
  const [versions, setVersions] = createSignal<MessageVersion[] | "error" | null>(null);
  const [expanded, setExpanded] = createSignal(false);
  let alive = true;
  onCleanup(() => {
    alive = false;
  });
  const click = (): void => {
    if (versions() !== null) {
      setVersions(null);
      setExpanded(false);
      return;
    }
    const actions = p.actions;
    if (!actions) return;
    setExpanded(true);
    void actions.versions(p.m()).then(
      (list) => alive && setVersions(list),
      () => alive && setVersions("error"),
    );
  };
  return (
    <span class="message-edited-wrap">
      <button
        type="button"
        class="link-button message-edited"
        data-testid="message-edited"
        title={formatFull(toDate(p.edited), p.lang())}
        aria-expanded={expanded() ? "true" : "false"}
        data-i18n="message.edited"
        on:click={click}
      >
        {label(p.lang, "message.edited")}
      </button>
      <Switch>
        <Match when={versions() === "error"}>
          <p class="message-versions error" data-testid="message-versions-error" role="status" data-i18n="message.versionsError">
            {label(p.lang, "message.versionsError")}
          </p>
        </Match>
        <Match when={Array.isArray(versions())}>
          <ol class="message-versions" data-testid="message-versions" aria-label={label(p.lang, "message.versions")}>
            <For each={versions() as MessageVersion[]}>
              {(v) => <li title={formatFull(toDate(v.replacedAt), p.lang())}>{v.body}</li>}
            </For>
          </ol>
        </Match>
      </Switch>
    </span>
  );
}

/**
 * The emojis under a message, each with how many chose it; a click adds or
 * takes back ours. Buttons are kept by position: a new count or a new
 * reaction changes the buttons there, the others stay untouched.
 */
export function Reactions(p: PartProps): JSX.Element {
  return (
    <div class="message-reactions" data-testid="message-reactions">
      <Index each={p.m().reactions}>
        {(r) => (
          <button
            type="button"
            class={r().mine ? "reaction mine" : "reaction"}
            data-testid="reaction"
            data-emoji={r().emoji}
            aria-pressed={r().mine ? "true" : "false"}
            title={[...(r().mine ? [label(p.lang, "message.you")] : []), ...r().by].join(", ")}
            on:click={() => p.actions?.toggleReaction(p.m(), r().emoji)}
          >
            {`${r().emoji} ${r().by.length + (r().mine ? 1 : 0)}`}
          </button>
        )}
      </Index>
    </div>
  );
}

/** Reply on any message; edit and delete on our own; remove as a room's moderator. */
export function Actions(p: PartProps & { readonly actions: MessageActions }): JSX.Element {
  const actions = p.actions;
  // Which buttons there are follows from the message; re-checked when it changes.
  const own = createMemo(() => amendable(p.m()));
  const moderate = createMemo(() => !own() && actions.mayModerate(p.m()));
  const amend = part(own, () => [
    <button type="button" class="link-button" data-testid="message-edit" data-i18n="message.edit" on:click={() => actions.edit(p.m())}>
      {label(p.lang, "message.edit")}
    </button>,
    <ConfirmedButton
      lang={p.lang}
      labelKey="message.retract"
      confirmKey="message.retractConfirm"
      testid="message-retract"
      act={() => actions.retract(p.m())}
    />,
  ]);
  const remove = part(moderate, () => (
    <ConfirmedButton
      lang={p.lang}
      labelKey="message.moderate"
      confirmKey="message.moderateConfirm"
      testid="message-moderate"
      act={() => actions.moderate(p.m())}
    />
  ));
  const [picker, setPicker] = createSignal<HTMLElement | null>(null);
  let react!: HTMLButtonElement;
  const closePicker = (): void => {
    setPicker(null);
    react.focus();
  };
  const togglePicker = (): void => {
    if (picker()) return closePicker();
    const opened = createEmojiPicker((emoji) => {
      closePicker();
      actions.toggleReaction(p.m(), emoji);
    }, closePicker);
    // Inserted synchronously by the signal's effect: focus can move into it now.
    setPicker(opened);
    opened.querySelector("button")?.focus();
  };
  return (
    <span class="message-actions">
      <button type="button" class="link-button" data-testid="message-reply" data-i18n="message.reply" on:click={() => actions.reply(p.m())}>
        {label(p.lang, "message.reply")}
      </button>
      <button
        ref={react}
        type="button"
        class="link-button"
        data-testid="message-react"
        aria-label={label(p.lang, "message.react")}
        data-i18n-aria-label="message.react"
        title={label(p.lang, "message.react")}
        data-i18n-title="message.react"
        on:click={togglePicker}
      >
        ☺
      </button>
      {[amend(), remove(), picker()]}
    </span>
  );
}

interface ConfirmedProps {
  readonly lang: Accessor<Lang>;
  readonly labelKey: Key;
  readonly confirmKey: Key;
  readonly testid: string;
  act(): Promise<boolean>;
}

/**
 * A button that acts on its second click within a few seconds (the first
 * asks `confirmKey`): nothing is removed by one slip.
 */
function ConfirmedButton(p: ConfirmedProps): JSX.Element {
  const [armed, setArmed] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  // A row let go of (scrolled away, the view closed) leaves no timer behind.
  onCleanup(() => {
    if (timer !== null) clearTimeout(timer);
  });
  const click = (): void => {
    if (timer === null) {
      setArmed(true);
      timer = setTimeout(() => {
        timer = null;
        setArmed(false);
      }, CONFIRM_MS);
      return;
    }
    clearTimeout(timer);
    timer = null;
    setBusy(true);
    void p.act().then((ok) => {
      if (!ok) {
        setBusy(false);
        setArmed(false);
      }
    });
  };
  return (
    <button
      type="button"
      class="link-button"
      data-testid={p.testid}
      data-i18n={p.labelKey}
      data-armed={armed() ? "true" : undefined}
      disabled={busy()}
      on:click={click}
    >
      {armed() ? label(p.lang, p.confirmKey) : label(p.lang, p.labelKey)}
    </button>
  );
}
