// Links in messages: web and mail addresses open in the system's programs
// (through the core, which checks the scheme again), xmpp: addresses
// (RFC 5122) in Hearth itself. The web view never follows a link.

/** What an xmpp: address asks for. */
export interface XmppLink {
  /** The address it names (a contact, or a room with `join`). */
  readonly jid: string;
  /** Its query type (`message`, `join`, `roster`, …), or "" for none. */
  readonly action: string;
}

/**
 * Reads `xmpp:[//authority/]jid[?type[;key=value…]][#fragment]`. Null when
 * it names no address (`xmpp:` alone, an empty or malformed one).
 */
export function parseXmppLink(uri: string): XmppLink | null {
  if (!/^xmpp:/iu.test(uri)) return null;
  let rest = uri.slice(5);
  // An authority names the account to act from: one account here.
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    if (slash < 0) return null;
    rest = rest.slice(slash + 1);
  }
  rest = rest.split("#")[0]!;
  const [path = "", query = ""] = rest.split("?", 2);
  let jid: string;
  try {
    jid = decodeURIComponent(path);
  } catch {
    return null;
  }
  // A bare address: a domain, at most one "@" before it, no spaces.
  if (!/^(?:[^@/\s]+@)?[^@/\s]+\.?[^@/\s]*$/u.test(jid) || jid === "") return null;
  return { jid: jid.toLowerCase(), action: query.split(";")[0]!.toLowerCase() };
}

/** Where a click on a link goes. */
export interface LinkHandlers {
  /** Opens an address outside (web page, mail). */
  external(url: string): void;
  /** Opens the conversation with `jid`. */
  chat(jid: string): void;
  /** Offers to join the room `jid`. */
  join(jid: string): void;
}

/**
 * Handles clicks on message links inside `root`: each opens where its
 * scheme says and nothing is followed in the window (middle clicks
 * included). Returns the function that stops it.
 */
export function handleLinks(root: HTMLElement, to: LinkHandlers): () => void {
  const onClick = (e: MouseEvent): void => {
    const link = (e.target as Element | null)?.closest?.("a.link");
    if (!(link instanceof HTMLAnchorElement)) return;
    e.preventDefault();
    if (e.type === "auxclick" && e.button !== 1) return;
    const url = link.dataset.url ?? "";
    const xmpp = parseXmppLink(url);
    if (xmpp) {
      if (xmpp.action === "join") to.join(xmpp.jid);
      else to.chat(xmpp.jid);
    } else if (/^(?:https?:\/\/|mailto:)/iu.test(url)) {
      to.external(url);
    }
  };
  root.addEventListener("click", onClick);
  root.addEventListener("auxclick", onClick);
  return () => {
    root.removeEventListener("click", onClick);
    root.removeEventListener("auxclick", onClick);
  };
}
