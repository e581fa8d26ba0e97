import type { App } from "./app";
import { t } from "./i18n";

/**
 * What a tab or header calls `peer`: a room by its address, a private chat
 * with an occupant ("room/nick", the only peers with a resource) as
 * "nick (room)", a contact by roster name.
 */
export function peerLabel(app: App, peer: string): string {
  if (app.convs.get(peer)?.kind === "room") return peer;
  const slash = peer.indexOf("/");
  if (slash > 0) return t("room.privateTitle", { nick: peer.slice(slash + 1), room: peer.slice(0, slash) });
  return app.roster.name(peer);
}
