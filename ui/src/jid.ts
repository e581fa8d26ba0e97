/** Looks like local@domain (no resource, no spaces). */
export function isBareJid(jid: string): boolean {
  return /^[^\s@/]+@[^\s@/]+$/.test(jid);
}

export function bareJid(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** The part before "@" (our default nickname in rooms). */
export function localPart(jid: string): string {
  return jid.split("@")[0] ?? "";
}
