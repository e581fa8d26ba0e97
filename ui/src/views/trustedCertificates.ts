import type { CertificateInfo } from "../bindings";
import { el } from "../dom";
import { getLang, tx } from "../i18n";
import { formatFull } from "../time";
import { staticView, type Calls, type View } from "./view";

export interface TrustedCertificatesContext {
  readonly backend: Calls<"pinned_certificates" | "forget_certificate">;
}

/**
 * The certificates trusted for the account (pinned), each with a button to
 * stop trusting it. Loaded when the section is opened.
 */
export function createTrustedCertificates(ctx: TrustedCertificatesContext): View {
  const list = el("ul", { class: "trusted-list", "data-testid": "trusted-list" });
  const section = el(
    "details",
    { class: "server trusted-certificates" },
    tx("summary", "cert.trusted", { "data-testid": "trusted-toggle" }),
    list,
  );

  function item(c: CertificateInfo): HTMLElement {
    const remove = tx("button", "cert.forget", {
      type: "button",
      "data-testid": "trusted-forget",
      onclick: () => void forget(c.fingerprint),
    });
    return el(
      "li",
      { "data-testid": "trusted-item", "data-fingerprint": c.fingerprint },
      el("div", { class: "trusted-subject" }, c.subject || c.names.join(", ")),
      el("div", { class: "trusted-fingerprint" }, c.fingerprint),
      el("div", { class: "trusted-validity" }, formatFull(new Date(c.notAfter), getLang())),
      remove,
    );
  }

  async function load(): Promise<void> {
    try {
      const pinned = await ctx.backend.invoke("pinned_certificates", {});
      list.replaceChildren(...(pinned.length ? pinned.map(item) : [tx("li", "cert.noneTrusted")]));
    } catch {
      list.replaceChildren(tx("li", "cert.noneTrusted"));
    }
  }

  async function forget(fingerprint: string): Promise<void> {
    await ctx.backend.invoke("forget_certificate", { args: { fingerprint } }).catch(() => undefined);
    await load();
  }

  section.addEventListener("toggle", () => {
    if (section.open) void load();
  });
  return staticView(section);
}
