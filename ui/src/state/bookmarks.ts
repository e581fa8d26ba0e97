import type { BookmarkView } from "../bindings";
import { Emitter } from "./emitter";

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** What the sidebar shows for a bookmark: its name, else the room's local part. */
export function bookmarkLabel(b: BookmarkView): string {
  const name = b.name?.trim() ?? "";
  if (name !== "") return name;
  const at = b.jid.indexOf("@");
  return at > 0 ? b.jid.slice(0, at) : b.jid;
}

/** The account's room bookmarks (XEP-0402 / XEP-0048), sorted by label. */
export class BookmarkStore {
  private list: BookmarkView[] = [];
  /** Bumped by every change, so an older `bookmarks()` answer cannot undo a newer event. */
  version = 0;
  readonly changed = new Emitter<void>();

  get all(): readonly BookmarkView[] {
    return this.list;
  }

  get(jid: string): BookmarkView | undefined {
    return this.list.find((b) => b.jid === jid);
  }

  /** The full list (bookmarks-changed, or a bookmarks() answer requested at `requestedAt`). */
  set(list: BookmarkView[], requestedAt?: number): void {
    if (requestedAt !== undefined && requestedAt !== this.version) return;
    this.version++;
    this.list = [...list].sort(
      (a, b) => collator.compare(bookmarkLabel(a), bookmarkLabel(b)) || (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0),
    );
    this.changed.emit();
  }

  clear(): void {
    this.set([]);
  }
}
