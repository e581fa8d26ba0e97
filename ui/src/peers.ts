import { shown } from "./bidi";
import { t } from "./i18n";
import type { ConversationStore } from "./state/conversations";
import type { RosterStore } from "./state/roster";

/** What naming a peer reads: whether it is a room tab, and roster names. */
export interface PeerNames {
  readonly convs: Pick<ConversationStore, "get">;
  readonly roster: Pick<RosterStore, "name">;
}

/**
 * What a tab or header calls `peer`: a room by its address, a private chat
 * with an occupant ("room/nick", the only peers with a resource) as
 * "nick (room)", a contact by roster name.
 */
export function peerLabel(ctx: PeerNames, peer: string): string {
  if (ctx.convs.get(peer)?.kind === "room") return shown(peer);
  const slash = peer.indexOf("/");
  if (slash > 0) return t("room.privateTitle", { nick: shown(peer.slice(slash + 1)), room: shown(peer.slice(0, slash)) });
  return ctx.roster.name(peer);
}
