import type { Affiliation, Moderation, Occupant, Role } from "../bindings";
import { bareJid } from "../jid";

/** What the occupant menu may offer (also the suffix of its test ids). */
export type OccupantAction =
  | "message" | "kick" | "ban" | "voice" | "devoice" | "moderator" | "unmoderator"
  | "member" | "admin" | "owner" | "noaffiliation";

const RANK: Record<Affiliation, number> = { outcast: 0, none: 1, member: 2, admin: 3, owner: 4 };

/** The role or affiliation each action sets. */
export const ACTION_TARGET: Record<Exclude<OccupantAction, "message">, { role: Role } | { affiliation: Affiliation }> = {
  kick: { role: "none" },
  voice: { role: "participant" },
  devoice: { role: "visitor" },
  moderator: { role: "moderator" },
  unmoderator: { role: "participant" },
  ban: { affiliation: "outcast" },
  member: { affiliation: "member" },
  admin: { affiliation: "admin" },
  owner: { affiliation: "owner" },
  noaffiliation: { affiliation: "none" },
};

/** The action changes an affiliation: it needs the occupant's real JID. */
export function isAffiliationAction(action: OccupantAction): boolean {
  return action !== "message" && "affiliation" in ACTION_TARGET[action];
}

/**
 * What we (`self`, our own occupant) may do to `target` under XEP-0045's
 * rules: moderators change roles of those not above them (admins and
 * owners keep theirs), admins change the affiliations of members and
 * below, owners change every affiliation. The server has the last word.
 */
export function occupantActions(self: Occupant | undefined, target: Occupant): OccupantAction[] {
  const out: OccupantAction[] = ["message"];
  if (!self || self.nick === target.nick) return out;
  const mine = RANK[self.affiliation];
  const theirs = RANK[target.affiliation];
  const moderator = self.role === "moderator";
  const keepsRole = theirs >= RANK.admin;
  const owner = self.affiliation === "owner";
  const canAffiliate = mine >= RANK.admin && (theirs < mine || owner);

  if (moderator && !keepsRole && theirs <= mine) out.push("kick");
  if (canAffiliate) out.push("ban");
  if (moderator && target.role === "visitor") out.push("voice");
  if (moderator && target.role === "participant" && !keepsRole && theirs <= mine) out.push("devoice");
  if (mine >= RANK.admin && (target.role === "participant" || target.role === "visitor")) out.push("moderator");
  if (mine >= RANK.admin && target.role === "moderator" && !keepsRole) out.push("unmoderator");
  if (canAffiliate && target.affiliation !== "member") out.push("member");
  if (owner && target.affiliation !== "admin") out.push("admin");
  if (owner && target.affiliation !== "owner") out.push("owner");
  if (canAffiliate && target.affiliation !== "none") out.push("noaffiliation");
  return out;
}

/** Our affiliation allows the settings panel (admins: member and ban lists; owners: everything). */
export function canAdminister(self: Occupant | undefined): boolean {
  return self !== undefined && RANK[self.affiliation] >= RANK.admin;
}

/** The request for `action` on `target`; affiliation actions use `jid` (the real JID). */
export function moderation(room: string, action: Exclude<OccupantAction, "message">, target: Occupant, jid: string | null, reason: string | null): Moderation {
  const to = ACTION_TARGET[action];
  if ("role" in to) return { kind: "role", room, nick: target.nick, role: to.role, reason };
  return { kind: "affiliation", room, jid: bareJid(jid ?? target.realJid ?? ""), affiliation: to.affiliation, reason };
}
