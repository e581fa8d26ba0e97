import { describe, expect, it } from "vitest";
import type { RegistrationForm } from "../src/bindings";
import { all, boot, check, choose, get, problem, settle, typeInto } from "./helpers";

const form: RegistrationForm = {
  instructions: "Choose a user name and password",
  dataForm: true,
  fields: [
    { var: "FORM_TYPE", label: null, kind: "hidden", required: false, value: "jabber:iq:register" },
    { var: "username", label: "Username", kind: "text", required: true, value: "" },
    { var: "password", label: "Password", kind: "password", required: true, value: "" },
  ],
};

describe("create account", () => {
  it("shows the server's form, submits every field and prefills the login", async () => {
    const { mock } = await boot((m) => m.on("registration_form", () => form));
    typeInto(get<HTMLInputElement>("login-jid"), "someone@chat.company.com");
    const panel = get<HTMLDetailsElement>("signup-panel");
    panel.open = true;
    panel.dispatchEvent(new Event("toggle"));
    expect(get<HTMLInputElement>("signup-domain").value).toBe("chat.company.com");
    get("signup-fetch").click();
    await settle();
    expect(mock.callsOf("registration_form")[0]!.target.domain).toBe("chat.company.com");
    expect(get("signup-instructions").textContent).toBe("Choose a user name and password");
    expect(all("signup-field").map((f) => f.dataset.var)).toEqual(["username", "password"]);

    get("signup-submit").click();
    await settle();
    expect(get("signup-status").textContent).toBe("Fill in “Username”.");
    expect(mock.callsOf("register")).toHaveLength(0);

    typeInto(get<HTMLInputElement>("signup-field", '[data-var="username"]'), "carol");
    typeInto(get<HTMLInputElement>("signup-field", '[data-var="password"]'), "s3cret");
    get("signup-submit").click();
    await settle();
    expect(mock.callsOf("register")[0]!.request.values).toEqual([
      { var: "FORM_TYPE", value: "jabber:iq:register" },
      { var: "username", value: "carol" },
      { var: "password", value: "s3cret" },
    ]);
    expect(mock.callsOf("register")[0]!.request.dataForm).toBe(true);
    expect(get<HTMLInputElement>("login-jid").value).toBe("carol@chat.company.com");
    expect(get<HTMLInputElement>("signup-field", '[data-var="password"]').value).toBe("");
  });

  it("shows the server's refusal", async () => {
    await boot((m) => {
      m.on("registration_form", () => form);
      m.on("register", () => {
        throw problem("registrationRefused", { condition: "conflict" });
      });
    });
    const panel = get<HTMLDetailsElement>("signup-panel");
    panel.open = true;
    get<HTMLInputElement>("signup-domain").value = "chat.company.com";
    get("signup-fetch").click();
    await settle();
    typeInto(get<HTMLInputElement>("signup-field", '[data-var="username"]'), "alice");
    typeInto(get<HTMLInputElement>("signup-field", '[data-var="password"]'), "x");
    get("signup-submit").click();
    await settle();
    expect(get("signup-status").textContent).toContain("already taken");
  });

  it("connects like the login form: a host only when fixed, plain TCP only when confirmed", async () => {
    const { mock } = await boot((m) => m.on("registration_form", () => form));
    typeInto(get<HTMLInputElement>("login-jid"), "someone@chat.company.com");
    const panel = get<HTMLDetailsElement>("signup-panel");
    panel.open = true;
    panel.dispatchEvent(new Event("toggle"));
    typeInto(get<HTMLInputElement>("login-host"), "ignored.company.com"); // automatic mode: not used
    get("signup-fetch").click();
    await settle();
    expect(mock.callsOf("registration_form")[0]!.target).toEqual({ domain: "chat.company.com", host: null, port: null, security: "startTls", proxy: null, proxyPassword: null });

    check(get<HTMLInputElement>("login-server-fixed"), true);
    typeInto(get<HTMLInputElement>("login-host"), "xmpp.company.com");
    typeInto(get<HTMLInputElement>("login-port"), "5299");
    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    get("signup-fetch").click();
    await settle();
    expect(mock.callsOf("registration_form")).toHaveLength(1);
    expect(get("signup-status").textContent).toContain("Plain TCP is not encrypted");

    check(get<HTMLInputElement>("login-insecure-confirm"), true);
    get("signup-fetch").click();
    await settle();
    expect(mock.callsOf("registration_form")[1]!.target).toEqual({ domain: "chat.company.com", host: "xmpp.company.com", port: 5299, security: "plainInsecure", proxy: null, proxyPassword: null });

    // Behind a proxy, account creation goes through it too.
    choose(get<HTMLSelectElement>("login-proxy-kind"), "socks5");
    typeInto(get<HTMLInputElement>("login-proxy-host"), "proxy.company.com");
    typeInto(get<HTMLInputElement>("login-proxy-user"), "anna");
    typeInto(get<HTMLInputElement>("login-proxy-password"), "proxy-secret");
    get("signup-fetch").click();
    await settle();
    expect(mock.callsOf("registration_form")[2]!.target).toMatchObject({
      proxy: { kind: "socks5", host: "proxy.company.com", port: null, user: "anna" },
      proxyPassword: "proxy-secret",
    });
  });
});
