import type { Backend } from "./backend";
import { toIpcError } from "./backend";
import type { BookmarkInput, IpcError } from "./bindings";
import type { BookmarkStore } from "./state/bookmarks";

/**
 * Bookmark actions that talk to the backend. The list itself only changes
 * through `bookmarks-changed` (sent after every change) and `bookmarks()`.
 * Actions resolve to the backend's refusal (null = done).
 */
export class BookmarkController {
  constructor(
    private readonly backend: Backend,
    private readonly store: BookmarkStore,
  ) {}

  /** Main screen opened online, or back online. */
  async load(): Promise<void> {
    const requestedAt = this.store.version;
    try {
      this.store.set(await this.backend.invoke("bookmarks", {}), requestedAt);
    } catch {
      // not connected: bookmarks-changed or the next online state brings them
    }
  }

  async save(bookmark: BookmarkInput): Promise<IpcError | null> {
    try {
      await this.backend.invoke("set_bookmark", { bookmark });
      return null;
    } catch (e) {
      return toIpcError(e);
    }
  }

  async remove(room: string): Promise<IpcError | null> {
    try {
      await this.backend.invoke("remove_bookmark", { room });
      return null;
    } catch (e) {
      return toIpcError(e);
    }
  }
}
