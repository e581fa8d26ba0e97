import { describe, expect, it } from "vitest";
import { boot, check, choose, get, problem, q, savedLogin, settings, settle, typeInto } from "./helpers";

const input = (id: string) => get<HTMLInputElement>(id);

describe("login screen", () => {
  it("refuses an out-of-range priority or timeout with a sentence", async () => {
    const { mock } = await boot();
    typeInto(input("login-jid"), "anna@company.com");
    typeInto(input("login-password"), "x");
    typeInto(input("login-priority"), "500");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Priority: enter a whole number from -128 to 127.");
    expect(input("login-priority").getAttribute("aria-invalid")).toBe("true");
    typeInto(input("login-priority"), "0");
    typeInto(input("login-timeout"), "0");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Response timeout: enter a whole number of seconds from 1 to 600.");
    expect(input("login-priority").hasAttribute("aria-invalid")).toBe(false);
    expect(input("login-timeout").getAttribute("aria-invalid")).toBe("true");
    expect(mock.callsOf("login")).toHaveLength(0);
  });

  it("explains a malformed JID and sends nothing", async () => {
    const { mock } = await boot();
    typeInto(input("login-jid"), "anna");
    typeInto(input("login-password"), "secret");
    get("login-submit").click();
    const error = get("login-error");
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe("Enter your address as name@domain, for example anna@company.com.");
    expect(input("login-jid").getAttribute("aria-invalid")).toBe("true");
    expect(mock.callsOf("login")).toEqual([]);
  });

  it("sends the request, locks the form, clears the password and opens the main screen when online", async () => {
    const { mock } = await boot();
    typeInto(input("login-jid"), " anna@company.com ");
    typeInto(input("login-password"), "s3cret");
    check(input("login-remember"), true);
    check(input("login-autologin"), true);
    check(input("login-server-fixed"), true);
    typeInto(input("login-host"), "xmpp.company.com");
    typeInto(input("login-port"), "5223");
    const security = get<HTMLSelectElement>("login-security");
    security.value = "directTls";
    security.dispatchEvent(new Event("change"));
    typeInto(input("login-resource"), "Desk");
    typeInto(input("login-priority"), "5");
    typeInto(input("login-timeout"), "30");
    get("login-submit").click();
    await settle();

    expect(mock.callsOf("login")).toEqual([
      {
        request: {
          jid: "anna@company.com", password: "s3cret", remember: true, autoLogin: true,
          connection: settings({ host: "xmpp.company.com", port: 5223, security: "directTls", resource: "Desk", priority: 5, responseTimeoutSecs: 30 }),
          proxyPassword: null,
        },
      },
    ]);
    expect(input("login-password").value).toBe("");
    expect(input("login-jid").matches(":disabled")).toBe(true);
    expect(get("login-submit").matches(":disabled")).toBe(true);
    expect(get("login-submit").textContent).toBe("Connecting…");
    expect(document.body.dataset.connection).toBe("connecting");

    mock.emit("connection-state", { state: "online", jid: "anna@company.com/hearth", newSessionAfterLoss: false });
    await settle();
    expect(q("login-jid")).toBeNull();
    expect(get("own-jid").textContent).toBe("anna@company.com");
    expect(get("status-banner").hidden).toBe(true);
    expect(document.body.dataset.connection).toBe("online");
    expect(mock.callsOf("roster_snapshot")).toHaveLength(1);
  });

  it("shows the authFailed sentence and enables the form again", async () => {
    const { mock } = await boot();
    typeInto(input("login-jid"), "anna@company.com");
    typeInto(input("login-password"), "wrong");
    get("login-submit").click();
    await settle();
    mock.emit("connection-state", { state: "offline", reason: problem("authFailed", { condition: "not-authorized", serverText: "Invalid username or password" }) });
    await settle();

    const error = get("login-error");
    expect(error.hidden).toBe(false);
    expect(error.querySelector(".problem-text")?.textContent).toBe("The server rejected the user name or password.");
    // The server's own words once, quoted after the sentence; no condition name.
    expect(error.textContent).toBe("The server rejected the user name or password. The server said: “Invalid username or password”");
    expect(input("login-jid").matches(":disabled")).toBe(false);
    expect(get("login-submit").matches(":disabled")).toBe(false);
    expect(get("login-submit").textContent).toBe("Log in");
    expect(input("login-jid").value).toBe("anna@company.com");
  });

  it("says the server refused the login, with its condition and text, when the password was not the reason", async () => {
    const { mock } = await boot();
    typeInto(input("login-jid"), "anna@company.com");
    typeInto(input("login-password"), "right");
    get("login-submit").click();
    await settle();
    const reason = problem("loginRefused", { condition: "malformed-request", serverText: "Invalid channel binding" });
    mock.emit("connection-state", { state: "offline", reason });
    await settle();

    const error = get("login-error");
    expect(error.querySelector(".problem-text")?.textContent).toBe("The server found the login request malformed.");
    expect(error.textContent).not.toContain("user name or password");
    expect(error.textContent).toContain("“Invalid channel binding”");
    expect(error.textContent).not.toContain("malformed-request");
    expect(get("login-submit").matches(":disabled")).toBe(false);

    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    mock.emit("connection-state", { state: "offline", reason });
    await settle();
    expect(get("login-error").querySelector(".problem-text")?.textContent).toBe("服务器认为登录请求格式有误。");
    expect(get("login-error").textContent).toContain("Invalid channel binding");
    choose(get<HTMLSelectElement>("language-select"), "en");
  });

  it("shows a rejected login command as a translated error", async () => {
    const { mock } = await boot((m) =>
      m.on("login", () => {
        throw problem("network", { detail: "dns lookup failed" });
      }),
    );
    typeInto(input("login-jid"), "anna@company.com");
    typeInto(input("login-password"), "pw");
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")).toHaveLength(1);
    expect(get("login-error").textContent).toContain("Cannot reach the server.");
    expect(get("login-submit").matches(":disabled")).toBe(false);
  });

  it("auto-logs in with the saved password without showing the form", async () => {
    const { mock } = await boot((m) =>
      m.on("saved_login", () => savedLogin({ jid: "anna@company.com", remember: true, autoLogin: true, hasPassword: true })),
    );
    // null: the backend uses the account's saved settings and proxy password.
    expect(mock.callsOf("login")).toEqual([
      { request: { jid: "anna@company.com", password: "", remember: true, autoLogin: true, connection: null, proxyPassword: null } },
    ]);
    expect(q("login-jid")).toBeNull();
    expect(get("own-jid").textContent).toBe("anna@company.com");
    expect(get("status-banner").hidden).toBe(false);
    expect(get("status-banner").textContent).toBe("Connecting…");
    expect(document.body.dataset.connection).toBe("connecting");
  });

  it("goes back to the form when auto-login is rejected", async () => {
    const { mock } = await boot((m) =>
      m.on("saved_login", () => savedLogin({ jid: "anna@company.com", remember: true, autoLogin: true, hasPassword: true })),
    );
    mock.emit("connection-state", { state: "offline", reason: problem("authFailed", { condition: "not-authorized" }) });
    await settle();
    expect(input("login-jid").value).toBe("anna@company.com");
    expect(get("login-error").textContent).toBe("The server rejected the user name or password.");
  });

  it("prefills from saved_login and only allows auto-login with a remembered password", async () => {
    await boot((m) =>
      m.on("saved_login", () =>
        savedLogin({ jid: "demo@company.com", connection: settings({ host: "xmpp.company.com", port: 5222 }), demoPassword: "demo" }),
      ),
    );
    expect(input("login-jid").value).toBe("demo@company.com");
    expect(input("login-password").value).toBe("demo");
    expect(get<HTMLDetailsElement>("login-server-toggle").closest("details")?.open).toBe(true);
    expect(input("login-server-fixed").checked).toBe(true);
    expect(input("login-host").value).toBe("xmpp.company.com");
    expect(input("login-host").disabled).toBe(false);
    expect(input("login-port").value).toBe("5222");
    expect(input("login-autologin").disabled).toBe(true);
    check(input("login-remember"), true);
    expect(input("login-autologin").disabled).toBe(false);
  });
});
