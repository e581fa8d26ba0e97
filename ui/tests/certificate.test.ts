import { describe, expect, it } from "vitest";
import type { CertificateInfo } from "../src/bindings";
import { boot, get, problem, settle } from "./helpers";

const info = (changed: boolean): CertificateInfo => ({
  fingerprint: "AB:CD:EF",
  subject: "CN=chat.company.com",
  issuer: "CN=Company Internal CA",
  names: ["chat.company.com"],
  notBefore: Date.UTC(2026, 0, 1),
  notAfter: Date.UTC(2027, 0, 1),
  fault: "unknown-issuer",
  changed,
});

const refused = { state: "offline" as const, reason: problem("certificateUntrusted", { condition: "unknown-issuer" }) };

describe("certificate check", () => {
  it("shows who the certificate is for and trusts exactly its fingerprint", async () => {
    const { mock } = await boot((m) => m.on("untrusted_certificate", () => info(false)));
    expect(get("cert-panel").hidden).toBe(true);
    mock.emit("connection-state", refused);
    await settle();
    expect(get("cert-panel").hidden).toBe(false);
    expect(get("cert-subject").textContent).toBe("CN=chat.company.com");
    expect(get("cert-fingerprint").textContent).toBe("AB:CD:EF");
    expect(get("cert-names").textContent).toBe("chat.company.com");
    expect(get("cert-reason").textContent).toContain("not signed by an authority this computer trusts");
    expect(get("cert-changed").textContent).not.toContain("NOT");
    get("cert-trust").click();
    await settle();
    expect(mock.callsOf("trust_certificate")).toEqual([{ args: { fingerprint: "AB:CD:EF" } }]);
    expect(get("cert-panel").hidden).toBe(true);
  });

  it("warns loudly when the certificate changed and connects only on request", async () => {
    const { mock } = await boot((m) => m.on("untrusted_certificate", () => info(true)));
    mock.emit("connection-state", refused);
    await settle();
    expect(get("cert-changed").textContent).toContain("NOT the certificate you trusted");
    get("cert-cancel").click();
    await settle();
    expect(get("cert-panel").hidden).toBe(true);
    expect(mock.callsOf("trust_certificate")).toHaveLength(0);
  });
});

describe("trusted certificates", () => {
  it("lists the pinned certificates and stops trusting one", async () => {
    let pinned = [info(false)];
    const { mock } = await boot((m) => {
      m.on("pinned_certificates", () => pinned);
      m.on("forget_certificate", ({ args }) => {
        pinned = pinned.filter((c) => c.fingerprint !== args.fingerprint);
        return null;
      });
    });
    const section = get<HTMLDetailsElement>("trusted-toggle").parentElement as HTMLDetailsElement;
    section.open = true;
    section.dispatchEvent(new Event("toggle"));
    await settle();
    expect(get("trusted-item").dataset.fingerprint).toBe("AB:CD:EF");
    get("trusted-forget").click();
    await settle();
    expect(mock.callsOf("forget_certificate")).toEqual([{ args: { fingerprint: "AB:CD:EF" } }]);
    expect(get("trusted-list").textContent).toBe("No certificates trusted by hand.");
  });
});
