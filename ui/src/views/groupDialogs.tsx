// The dialog about one roster group: renaming it (dissolving one is a
// `ConfirmDialog`, `contactDialogs.tsx`).
// The group's name is remote text: inserted as text only.
import { createSignal, type Accessor, type JSX } from "solid-js";
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

