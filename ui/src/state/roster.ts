import { shown } from "../bidi";
import type { ContactPresence, PresenceShow, ResourcePresence, RosterItem, RosterSnapshot, SubscriptionRequests } from "../bindings";
import { Emitter } from "./emitter";

const SHOW_RANK: Record<PresenceShow, number> = { available: 0, chat: 0, away: 1, xa: 2, dnd: 3, offline: 4 };

/** The resource that represents a contact: highest priority, then the most available show. */
export function bestResource(p: ContactPresence | undefined): ResourcePresence | null {
  let best: ResourcePresence | null = null;
  for (const r of p?.resources ?? []) {
    if (r.show === "offline") continue;
    if (
      !best ||
      r.priority > best.priority ||
      (r.priority === best.priority && SHOW_RANK[r.show] < SHOW_RANK[best.show])
    ) {
      best = r;
    }
  }
  return best;
}

export class RosterStore {
  readonly items = new Map<string, RosterItem>();
  readonly presences = new Map<string, ContactPresence>();
  /** The contact list itself changed (full replace). */
  readonly itemsChanged = new Emitter<void>();
  /** Presence of these JIDs changed. */
  readonly presenceChanged = new Emitter<string[]>();
  /** People outside the roster who asked to see our presence. */
  requests: string[] = [];
  /** How many more asked than the core lists (it keeps a bounded list). */
  moreRequests = 0;
  readonly requestsChanged = new Emitter<void>();

  /**
   * Counts roster and presence events. A snapshot requested before an event
   * arrived is older than that event and must not overwrite it.
   */
  version = 0;

  setRequests({ jids, more }: SubscriptionRequests): void {
    this.requests = [...jids];
    this.moreRequests = more;
    this.requestsChanged.emit();
  }

  /** Applies a snapshot requested when `version` was `requestedAt`. */
  setSnapshot(snapshot: RosterSnapshot, requestedAt = this.version): void {
    if (requestedAt !== this.version) return;
    this.setRequests(snapshot.requests);
    this.presences.clear();
    for (const p of snapshot.presences) this.presences.set(p.jid, p);
    this.replaceItems(snapshot.items);
  }

  /** `roster-changed`: the whole roster. */
  setItems(items: RosterItem[]): void {
    this.version++;
    this.replaceItems(items);
  }

  private replaceItems(items: RosterItem[]): void {
    this.items.clear();
    for (const item of items) this.items.set(item.jid, item);
    this.itemsChanged.emit();
  }

  updatePresences(list: ContactPresence[]): void {
    this.version++;
    for (const p of list) this.presences.set(p.jid, p);
    this.presenceChanged.emit(list.map((p) => p.jid));
  }

  clear(): void {
    this.presences.clear();
    this.replaceItems([]);
  }

  /** Roster name, or the JID when there is none. */
  name(jid: string): string {
    const name = this.items.get(jid)?.name;
    return shown(name && name.trim() !== "" ? name : jid);
  }

  best(jid: string): ResourcePresence | null {
    return bestResource(this.presences.get(jid));
  }

  show(jid: string): PresenceShow {
    return this.best(jid)?.show ?? "offline";
  }
}
