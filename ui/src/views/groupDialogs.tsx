// The dialogs about one roster group: rename it, confirm dissolving it.
// The group's name is remote text: inserted as text only.
import { createSignal, type Accessor, type JSX } from "solid-js";
import { shown } from "../bidi";
import type { Lang } from "../i18n";
import { ErrorLine, request, sayer } from "./contactDialogs";
import { Modal } from "./modalDialog";

let nextId = 0;

export interface GroupRenameProps {
  readonly lang: Accessor<Lang>;
  /** The group's name now. */
  readonly group: string;
  /** Sends the new name (trimmed, not blank, not the same). */
  rename(to: string): Promise<unknown>;
  /** Closes it; `to` is the new name after a rename, null when cancelled. */
  close(to: string | null): void;
}

/** The group's name, to change; Save is off while it is blank or unchanged. A refusal stays in the dialog. */
export function GroupRename(p: GroupRenameProps): JSX.Element {
  const say = sayer(p.lang);
  const id = `group-rename-${++nextId}`;
  const [name, setName] = createSignal(p.group);
  const saving = request();
  const target = (): string => name().trim();
  const unusable = (): boolean => target() === "" || target() === p.group;

  const submit = (e: SubmitEvent): void => {
    e.preventDefault();
    if (saving.busy() || unusable()) return;
    const to = target();
    void saving.run(() => p.rename(to)).then((ok) => {
      if (ok) p.close(to);
    });
  };

  return (
    <Modal testid="group-rename" title={() => say("groupRename.title")} busy={saving.busy} cancel={() => p.close(null)}>
      <form novalidate on:submit={submit}>
        <div class="field">
          <label for={id}>{say("groupRename.name")}</label>
          <input
            id={id}
            type="text"
            autocomplete="off"
            value={p.group}
            data-testid="group-rename-name"
            data-autofocus
            on:input={(e: InputEvent) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <ErrorLine lang={p.lang} lead="groupRename.error" error={saving.error} testid="group-rename-error" />
        <div class="actions">
          <button type="button" data-testid="group-rename-cancel" on:click={() => p.close(null)}>
            {say("groupRename.cancel")}
          </button>
          <button
            type="submit"
            class="primary"
            data-testid="group-rename-save"
            disabled={saving.busy() || unusable()}
            aria-busy={saving.busy() ? "true" : undefined}
          >
            {saving.busy() ? say("groupRename.saving") : say("groupRename.save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export interface GroupDissolveProps {
  readonly lang: Accessor<Lang>;
  readonly group: string;
  /** How many contacts are in it. */
  readonly count: number;
  dissolve(): Promise<unknown>;
  close(): void;
}

/** "Dissolve the group {group}?"; Cancel has the focus, so a stray Enter changes nothing. */
export function GroupDissolve(p: GroupDissolveProps): JSX.Element {
  const say = sayer(p.lang);
  const dissolving = request();
  const confirm = (): void => {
    if (dissolving.busy()) return;
    void dissolving.run(p.dissolve).then((ok) => {
      if (ok) p.close();
    });
  };
  return (
    <Modal testid="group-dissolve-confirm" role="alertdialog" title={() => say("groupDissolve.title")} busy={dissolving.busy} cancel={p.close}>
      <p class="modal-text">{say("groupDissolve.question", { group: shown(p.group), count: p.count })}</p>
      <ErrorLine lang={p.lang} lead="groupDissolve.error" error={dissolving.error} testid="group-dissolve-error" />
      <div class="actions">
        <button type="button" data-testid="group-dissolve-cancel" data-autofocus on:click={p.close}>
          {say("groupDissolve.cancel")}
        </button>
        <button
          type="button"
          class="danger"
          data-testid="group-dissolve-ok"
          disabled={dissolving.busy()}
          aria-busy={dissolving.busy() ? "true" : undefined}
          on:click={confirm}
        >
          {dissolving.busy() ? say("groupDissolve.dissolving") : say("groupDissolve.ok")}
        </button>
      </div>
    </Modal>
  );
}
