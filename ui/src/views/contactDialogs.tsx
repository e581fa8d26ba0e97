// The dialogs about one contact: edit its name and groups, confirm its
// removal, say why asking to see its status failed. Each reads the
// contact through an accessor (the roster may change while it is open)
// and the language through another; every remote string (name, JID,
// group) is inserted as text.
import { createMemo, createSignal, For, Show, untrack, type Accessor, type JSX } from "solid-js";
import { toIpcError } from "../backend";
import { shown } from "../bidi";
import type { IpcError, RosterItem } from "../bindings";
import { problemNodes } from "../errors";
import { t, type Key, type Lang } from "../i18n";
import { Modal } from "./modalDialog";
import { subscriptionSentence } from "./rosterRows";

/** `t` that is read again when the language changes. */
export function sayer(lang: Accessor<Lang>): (key: Key, params?: Record<string, string | number>) => string {
  return (key, params) => {
    lang();
    return t(key, params);
  };
}

/** What failed, then why, in the current language; nothing while `error()` is null. */
export function ErrorLine(p: { readonly lang: Accessor<Lang>; readonly lead: Key; readonly error: Accessor<IpcError | null>; readonly testid: string }): JSX.Element {
  const nodes = createMemo((): Node[] | null => {
    p.lang();
    const e = p.error();
    if (e === null) return null;
    const lead = document.createElement("span");
    lead.className = "problem-lead";
    lead.textContent = t(p.lead);
    return [lead, document.createTextNode(" "), ...problemNodes(e)];
  });
  return (
    <Show when={nodes()}>
      {(list) => (
        <div class="modal-error" role="alert" data-testid={p.testid}>
          {list()}
        </div>
      )}
    </Show>
  );
}

/**
 * Runs `act`; while it is out `busy()` holds, and its failure is kept in
 * `error()`. Resolves whether it succeeded.
 */
export function request(): { busy: Accessor<boolean>; error: Accessor<IpcError | null>; run(act: () => Promise<unknown>): Promise<boolean> } {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<IpcError | null>(null);
  return {
    busy,
    error,
    async run(act) {
      setBusy(true);
      setError(null);
      try {
        await act();
        return true;
      } catch (e) {
        setError(toIpcError(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** Separators that end a group name as it is typed: the ASCII and the full-width comma. */
const SEPARATORS = /[,，]/;

/** `list` with `names` added once each (blank ones left out), in order. */
function withGroups(list: readonly string[], names: readonly string[]): string[] {
  const next = [...list];
  for (const raw of names) {
    const name = raw.trim();
    if (name !== "" && !next.includes(name)) next.push(name);
  }
  return next;
}

export interface ContactEditorProps {
  readonly lang: Accessor<Lang>;
  /** The contact as the roster has it now. */
  readonly item: Accessor<RosterItem>;
  /** Every group name in the roster, for suggestions. */
  readonly knownGroups: readonly string[];
  /** Sends the new name and the complete list of groups. */
  save(name: string | null, groups: string[]): Promise<unknown>;
  close(): void;
}

let nextListId = 0;

/**
 * Name and groups of a contact. The groups are chips, each removable; a
 * group is added by typing it (suggested from the roster's groups) and
 * pressing Enter or typing a comma. Save sends the complete list; a
 * refusal is shown here and the dialog stays.
 */
export function ContactEditor(p: ContactEditorProps): JSX.Element {
  const say = sayer(p.lang);
  const first = untrack(p.item);
  const listId = `contact-editor-groups-${++nextListId}`;
  const hintId = `${listId}-hint`;
  const [groups, setGroups] = createSignal<string[]>([...first.groups]);
  const suggestions = createMemo(() => p.knownGroups.filter((g) => !groups().includes(g)));
  const saving = request();
  const sentence = createMemo(() => {
    p.lang();
    return subscriptionSentence(p.item());
  });
  let name!: HTMLInputElement;
  let input!: HTMLInputElement;

  const add = (names: readonly string[]): void => {
    setGroups((list) => withGroups(list, names));
  };
  const remove = (group: string): void => {
    setGroups((list) => list.filter((g) => g !== group));
    // The chip's button is gone with it: focus goes where groups are typed.
    input.focus();
  };
  const typed = (e: InputEvent): void => {
    if (e.isComposing || !SEPARATORS.test(input.value)) return;
    const parts = input.value.split(SEPARATORS);
    input.value = parts.pop() ?? "";
    add(parts);
  };
  const key = (e: KeyboardEvent): void => {
    // Enter that confirms an input method's candidate (Chinese, Japanese…) is not ours.
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) return;
    if (input.value.trim() === "") return; // an empty field: Enter saves, as in the name field
    e.preventDefault();
    add([input.value]);
    input.value = "";
  };
  const submit = (e: SubmitEvent): void => {
    e.preventDefault();
    if (saving.busy()) return;
    // A group typed but not yet added is meant to be in the list.
    const list = withGroups(groups(), input.value.split(SEPARATORS));
    const newName = name.value.trim();
    void saving.run(() => p.save(newName === "" ? null : newName, list)).then((ok) => {
      if (ok) p.close();
    });
  };

  return (
    <Modal testid="contact-editor" class="contact-editor" title={() => say("contactEditor.title")} busy={saving.busy} cancel={p.close}>
      <p class="contact-editor-jid">{shown(first.jid)}</p>
      <p class="contact-editor-subscription" data-testid="contact-editor-subscription">
        {sentence()}
      </p>
      <form novalidate on:submit={submit}>
        <div class="field">
          <label for={`${listId}-name`}>{say("contactEditor.name")}</label>
          <input
            ref={name}
            id={`${listId}-name`}
            type="text"
            autocomplete="off"
            value={first.name ?? ""}
            data-testid="contact-editor-name"
            data-autofocus
          />
        </div>
        <div class="field">
          <label for={`${listId}-input`}>{say("contactEditor.groups")}</label>
          <Show when={groups().length > 0} fallback={<p class="chips-empty">{say("contactEditor.noGroups")}</p>}>
            <ul class="chips" aria-label={say("contactEditor.groups")}>
              <For each={groups()}>
                {(group) => (
                  <li class="chip" data-testid="contact-editor-group" data-group={group}>
                    <span class="chip-text">{shown(group)}</span>
                    <button
                      type="button"
                      class="chip-remove"
                      data-testid="contact-editor-group-remove"
                      aria-label={say("contactEditor.removeGroup", { group: shown(group) })}
                      title={say("contactEditor.removeGroup", { group: shown(group) })}
                      on:click={() => remove(group)}
                    >
                      ×
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <input
            ref={input}
            id={`${listId}-input`}
            type="text"
            autocomplete="off"
            list={listId}
            placeholder={say("contactEditor.groupInput")}
            aria-describedby={hintId}
            data-testid="contact-editor-group-input"
            on:input={typed}
            on:keydown={key}
          />
          <datalist id={listId} data-testid="contact-editor-group-suggestions">
            <For each={suggestions()}>{(group) => <option value={group} />}</For>
          </datalist>
          <p id={hintId} class="field-hint">
            {say("contactEditor.groupHint")}
          </p>
        </div>
        <ErrorLine lang={p.lang} lead="contactEditor.error" error={saving.error} testid="contact-editor-error" />
        <div class="actions">
          <button type="button" data-testid="contact-editor-cancel" on:click={p.close}>
            {say("contactEditor.cancel")}
          </button>
          <button type="submit" class="primary" data-testid="contact-editor-save" disabled={saving.busy()} aria-busy={saving.busy() ? "true" : undefined}>
            {saving.busy() ? say("contactEditor.saving") : say("contactEditor.save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The sentences of a confirmation, by purpose. */
export interface ConfirmKeys {
  readonly title: Key;
  /** What will happen, with `params`. */
  readonly question: Key;
  /** What failed, before why. */
  readonly error: Key;
  readonly cancel: Key;
  readonly ok: Key;
  /** The button's label while it acts. */
  readonly busy: Key;
}

export interface ConfirmProps {
  readonly lang: Accessor<Lang>;
  readonly keys: ConfirmKeys;
  readonly params: () => Record<string, string | number>;
  /** Prefix of the test ids: `-confirm`, `-error`, `-cancel`, `-ok`. */
  readonly testid: string;
  act(): Promise<unknown>;
  close(): void;
}

/**
 * A question before something that cannot be undone (remove a contact,
 * dissolve a group). Cancel has the focus, so a stray Enter does nothing;
 * a refusal stays in the dialog, in the user's language.
 */
export function ConfirmDialog(p: ConfirmProps): JSX.Element {
  const say = sayer(p.lang);
  const acting = request();
  const confirm = (): void => {
    if (acting.busy()) return;
    void acting.run(p.act).then((ok) => {
      if (ok) p.close();
    });
  };
  return (
    <Modal testid={`${p.testid}-confirm`} role="alertdialog" title={() => say(p.keys.title)} busy={acting.busy} cancel={p.close}>
      <p class="modal-text">{say(p.keys.question, p.params())}</p>
      <ErrorLine lang={p.lang} lead={p.keys.error} error={acting.error} testid={`${p.testid}-error`} />
      <div class="actions">
        <button type="button" data-testid={`${p.testid}-cancel`} data-autofocus on:click={p.close}>
          {say(p.keys.cancel)}
        </button>
        <button
          type="button"
          class="danger"
          data-testid={`${p.testid}-ok`}
          disabled={acting.busy()}
          aria-busy={acting.busy() ? "true" : undefined}
          on:click={confirm}
        >
          {acting.busy() ? say(p.keys.busy) : say(p.keys.ok)}
        </button>
      </div>
    </Modal>
  );
}

/**
 * Asking to see a contact's status (or to stop seeing it: `lead`) failed:
 * why, until closed.
 */
export function AskFailed(p: {
  readonly lang: Accessor<Lang>;
  readonly name: Accessor<string>;
  readonly error: IpcError;
  readonly lead?: Key;
  close(): void;
}): JSX.Element {
  const say = sayer(p.lang);
  const nodes = createMemo(() => {
    p.lang();
    return problemNodes(p.error);
  });
  return (
    <Modal testid="contact-ask-error" role="alertdialog" title={() => say("contactAsk.title")} cancel={p.close}>
      <p class="modal-text">{say(p.lead ?? "contactAsk.error", { name: p.name() })}</p>
      <p class="modal-error">{nodes()}</p>
      <div class="actions">
        <button type="button" data-testid="contact-ask-error-close" data-autofocus on:click={p.close}>
          {say("contactAsk.close")}
        </button>
      </div>
    </Modal>
  );
}
