import { describe, expect, it } from "vitest";
import type { ConnectionReport } from "../src/bindings";
import { boot, check, choose, get, problem, q, savedLogin, settings, settle, typeInto } from "./helpers";

const input = (id: string) => get<HTMLInputElement>(id);
const dialog = () => get("login-server-toggle").closest("details")!;

/** Address and password typed, ready to submit. */
async function bootForm(setup?: Parameters<typeof boot>[0]) {
  const booted = await boot(setup);
  typeInto(input("login-jid"), "anna@company.com");
  typeInto(input("login-password"), "s3cret");
  return booted;
}

describe("connection dialog: server and security", () => {
  it("enables host and port only for a fixed host, with the security's default port as placeholder", async () => {
    await boot();
    expect(input("login-server-automatic").checked).toBe(true);
    expect(input("login-host").disabled).toBe(true);
    expect(input("login-port").disabled).toBe(true);
    expect(input("login-port").placeholder).toBe("5222");

    check(input("login-server-fixed"), true);
    expect(input("login-host").disabled).toBe(false);
    expect(input("login-port").disabled).toBe(false);
    choose(get<HTMLSelectElement>("login-security"), "directTls");
    expect(input("login-port").placeholder).toBe("5223");
  });

  it("asks for a valid fixed host, naming the field", async () => {
    const { mock } = await bootForm();
    check(input("login-server-fixed"), true);
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Server host: enter a host name, or choose “Automatic (DNS)”.");
    expect(input("login-host").getAttribute("aria-invalid")).toBe("true");
    expect(dialog().open).toBe(true);

    typeInto(input("login-host"), "xmpp.company.com/chat");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Server host: enter a host name or IP address, without spaces or / @ ? #.");

    typeInto(input("login-host"), "xmpp.company.com");
    typeInto(input("login-port"), "70000");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Server port: enter a number from 1 to 65535, or leave it empty for the default.");
    expect(input("login-port").getAttribute("aria-invalid")).toBe("true");
    expect(input("login-host").hasAttribute("aria-invalid")).toBe(false);
    expect(mock.callsOf("login")).toHaveLength(0);
  });

  it("sends no host or port in automatic mode, whatever is left in the fields", async () => {
    const { mock } = await bootForm();
    check(input("login-server-fixed"), true);
    typeInto(input("login-host"), "old.company.com");
    typeInto(input("login-port"), "5269");
    check(input("login-server-automatic"), true);
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]!.request.connection).toMatchObject({ host: null, port: null });
  });

  it("uses plain TCP only after an explicit confirmation, and warns while it is chosen", async () => {
    const { mock } = await bootForm();
    const warning = get("login-insecure-warning");
    expect(warning.hidden).toBe(true);
    expect(input("login-insecure-confirm").closest(".field")!.hasAttribute("hidden")).toBe(true);

    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toContain("Not encrypted");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe(
      "Plain TCP is not encrypted: tick “I understand the password and messages travel unencrypted”, or choose STARTTLS or direct TLS.",
    );
    expect(input("login-insecure-confirm").getAttribute("aria-invalid")).toBe("true");
    expect(mock.callsOf("login")).toHaveLength(0);

    check(input("login-insecure-confirm"), true);
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]!.request.connection?.security).toBe("plainInsecure");
  });

  it("asks again for the confirmation after the security was changed", async () => {
    await bootForm();
    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    check(input("login-insecure-confirm"), true);
    choose(get<HTMLSelectElement>("login-security"), "startTls");
    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    expect(input("login-insecure-confirm").checked).toBe(false);
  });
});

describe("connection dialog: SASL and proxy", () => {
  it("refuses PLAIN alone over plain TCP, and no mechanism at all", async () => {
    const { mock } = await bootForm();
    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    check(input("login-insecure-confirm"), true);
    check(input("login-sasl-scram-sha256"), false);
    check(input("login-sasl-scram-sha1"), false);
    get("login-submit").click();
    expect(get("login-error").textContent).toBe(
      "Login methods (SASL): without encryption PLAIN is never used, so allow SCRAM-SHA-256 or SCRAM-SHA-1.",
    );
    expect(input("login-sasl-scram-sha256").getAttribute("aria-invalid")).toBe("true");

    check(input("login-sasl-plain"), false);
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Login methods (SASL): allow at least one mechanism.");
    expect(mock.callsOf("login")).toHaveLength(0);

    // PLAIN alone is allowed inside TLS.
    choose(get<HTMLSelectElement>("login-security"), "startTls");
    check(input("login-sasl-plain"), true);
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]!.request.connection?.sasl).toEqual({ scramSha256: false, scramSha1: false, plain: true });
  });

  it("hides the proxy fields without a proxy and refuses a proxy without host", async () => {
    const { mock } = await bootForm();
    const host = input("login-proxy-host");
    expect(host.disabled).toBe(true);
    expect(host.closest(".proxy-fields")!.hasAttribute("hidden")).toBe(true);

    choose(get<HTMLSelectElement>("login-proxy-kind"), "socks5");
    expect(host.disabled).toBe(false);
    expect(host.closest(".proxy-fields")!.hasAttribute("hidden")).toBe(false);
    expect(input("login-proxy-port").placeholder).toBe("1080");
    choose(get<HTMLSelectElement>("login-proxy-kind"), "httpConnect");
    expect(input("login-proxy-port").placeholder).toBe("8080");

    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Proxy host: enter a host name or IP address, without spaces or / @ ? #.");
    expect(host.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(host);

    typeInto(host, "proxy.company.com");
    typeInto(input("login-proxy-port"), "0");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("Proxy port: enter a number from 1 to 65535, or leave it empty for the default.");
    expect(mock.callsOf("login")).toHaveLength(0);
  });

  it("sends every value of the dialog with the login, then clears both passwords", async () => {
    const { mock } = await bootForm();
    check(input("login-server-fixed"), true);
    typeInto(input("login-host"), " xmpp.company.com ");
    choose(get<HTMLSelectElement>("login-security"), "directTls");
    typeInto(input("login-resource"), "Laptop");
    typeInto(input("login-priority"), "-5");
    typeInto(input("login-timeout"), "600");
    check(input("login-open-console"), true);
    typeInto(input("login-history-days"), "30");
    typeInto(input("login-history-messages"), "0");
    check(input("login-sasl-plain"), false);
    check(input("login-sasl-scram-sha1"), false);
    choose(get<HTMLSelectElement>("login-proxy-kind"), "socks5");
    typeInto(input("login-proxy-host"), "10.0.0.1");
    typeInto(input("login-proxy-port"), "1081");
    typeInto(input("login-proxy-user"), " bob ");
    typeInto(input("login-proxy-password"), "pr0xy");
    get("login-submit").click();
    await settle();

    expect(mock.callsOf("login")).toEqual([
      {
        request: {
          jid: "anna@company.com", password: "s3cret", remember: false, autoLogin: false,
          connection: {
            host: "xmpp.company.com", port: null, security: "directTls", resource: "Laptop", priority: -5,
            responseTimeoutSecs: 600, openConsoleOnStart: true,
            sasl: { scramSha256: true, scramSha1: false, plain: false },
            proxy: { kind: "socks5", host: "10.0.0.1", port: 1081, user: "bob" },
            newDeviceHistory: { days: 30, messages: 0 },
          },
          proxyPassword: "pr0xy",
        },
      },
    ]);
    expect(input("login-password").value).toBe("");
    expect(input("login-proxy-password").value).toBe("");
  });

  it("keeps the proxy password saved in the keychain unless a new one is typed", async () => {
    const proxied = settings({ proxy: { kind: "httpConnect", host: "proxy.company.com", port: null, user: "bob" } });
    const { mock } = await bootForm((m) =>
      m.on("saved_login", () => savedLogin({ jid: "anna@company.com", connection: proxied, hasProxyPassword: true })),
    );
    expect(dialog().open).toBe(true);
    expect(input("login-proxy-password").placeholder).toBe("Saved in the keychain (leave empty to keep it)");
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]!.request).toMatchObject({ connection: proxied, proxyPassword: null });
  });
});

describe("connection dialog: reset and test", () => {
  it("resets to the backend's defaults and keeps address and password", async () => {
    const { mock } = await bootForm((m) => {
      m.on("saved_login", () =>
        savedLogin({
          jid: "anna@company.com",
          connection: settings({
            host: "xmpp.company.com", port: 5223, security: "directTls", resource: "Desk", priority: 9, responseTimeoutSecs: 60,
            openConsoleOnStart: true, sasl: { scramSha256: true, scramSha1: false, plain: false },
            proxy: { kind: "socks5", host: "proxy", port: 1080, user: "bob" },
          }),
        }),
      );
      m.on("default_connection_settings", () => settings({ responseTimeoutSecs: 20 }));
    });
    typeInto(input("login-proxy-password"), "typed");
    get("login-reset-defaults").click();
    await settle();

    expect(input("login-server-automatic").checked).toBe(true);
    expect(input("login-host").value).toBe("");
    expect(input("login-host").disabled).toBe(true);
    expect(get<HTMLSelectElement>("login-security").value).toBe("startTls");
    expect(input("login-resource").value).toBe("");
    expect(input("login-priority").value).toBe("0");
    expect(input("login-timeout").value).toBe("20");
    expect(input("login-open-console").checked).toBe(false);
    expect([input("login-sasl-scram-sha256"), input("login-sasl-scram-sha1"), input("login-sasl-plain")].map((c) => c.checked)).toEqual([true, true, true]);
    expect(get<HTMLSelectElement>("login-proxy-kind").value).toBe("none");
    expect(input("login-proxy-password").value).toBe("");
    expect(input("login-jid").value).toBe("anna@company.com");
    expect(input("login-password").value).toBe("s3cret");

    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]!.request.connection).toEqual(settings({ responseTimeoutSecs: 20 }));
  });

  it("tests the connection with the dialog's values and lists every step with its outcome", async () => {
    let answer: (r: ConnectionReport) => void = () => undefined;
    const { mock } = await bootForm((m) =>
      m.on("test_connection", () => new Promise<ConnectionReport>((resolve) => (answer = resolve))),
    );
    check(input("login-server-fixed"), true);
    typeInto(input("login-host"), "xmpp.company.com");
    get("test-connection").click();
    await settle();

    expect(mock.callsOf("test_connection")[0]!.request).toMatchObject({
      jid: "anna@company.com", password: "s3cret", connection: { host: "xmpp.company.com" },
    });
    expect(get("test-connection").matches(":disabled")).toBe(true);
    expect(get("test-connection").textContent).toBe("Testing…");
    expect(input("login-password").value).toBe("s3cret"); // a test keeps the form as it is

    answer({
      steps: [
        { step: "dns", outcome: "ok", finding: { kind: "fixedServer", servers: ["xmpp.company.com:5222"] }, problem: null },
        { step: "tcp", outcome: "ok", finding: { kind: "connected", server: "xmpp.company.com:5222", proxy: "proxy.company.com:1080" }, problem: null },
        { step: "tls", outcome: "failed", finding: null, problem: problem("tlsFailed", { detail: "<b>certificate</b> expired" }) },
        { step: "auth", outcome: "skipped", finding: { kind: "notTried" }, problem: null },
      ],
    });
    await settle();
    const report = get("connection-report");
    expect(report.hidden).toBe(false);
    expect(["dns", "tcp", "tls", "auth"].map((s) => get(`connection-step-${s}`, "", report).dataset.outcome)).toEqual(["ok", "ok", "failed", "skipped"]);
    const tls = get("connection-step-tls");
    expect(tls.textContent).toContain("Encryption (TLS)");
    expect(tls.textContent).toContain("Failed");
    expect(tls.querySelector(".step-detail")!.textContent).toBe("The encrypted connection to the server could not be set up. Details: <b>certificate</b> expired");
    expect(get("connection-step-dns").textContent).toContain("Fixed server xmpp.company.com:5222 (no DNS lookup of SRV records).");
    expect(get("connection-step-tcp").textContent).toContain("Connected to xmpp.company.com:5222 through the proxy proxy.company.com:1080.");
    expect(get("connection-step-auth").textContent).toContain("Not tried.");
    expect(tls.querySelector("b")).toBeNull(); // text, never markup
    expect(get("connection-step-auth").textContent).toContain("Skipped");
    expect(get("test-connection").matches(":disabled")).toBe(false);
    expect(get("test-connection").textContent).toBe("Test connection");
    expect(mock.callsOf("login")).toHaveLength(0);
  });

  it("checks the form before testing, and shows a refused test in the error box", async () => {
    const { mock } = await bootForm((m) =>
      m.on("test_connection", () => {
        throw problem("network", { detail: "no route to host" });
      }),
    );
    choose(get<HTMLSelectElement>("login-proxy-kind"), "socks5");
    get("test-connection").click();
    await settle();
    expect(get("login-error").textContent).toBe("Proxy host: enter a host name or IP address, without spaces or / @ ? #.");
    expect(mock.callsOf("test_connection")).toHaveLength(0);

    choose(get<HTMLSelectElement>("login-proxy-kind"), "none");
    typeInto(input("login-password"), ""); // a test may go without the password
    get("test-connection").click();
    await settle();
    expect(mock.callsOf("test_connection")).toHaveLength(1);
    expect(get("login-error").textContent).toContain("Cannot reach the server.");
    expect(get("login-error").textContent).toContain("no route to host");
    expect(get("connection-report").hidden).toBe(true);
  });

  it("asks for the history a new computer fetches in days and messages, within bounds", async () => {
    const { mock } = await bootForm();
    expect(input("login-history-days").value).toBe("7");
    expect(input("login-history-messages").value).toBe("1000");
    typeInto(input("login-history-days"), "0");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("History on a new computer: enter a whole number of days from 1 to 3650.");
    expect(input("login-history-days").getAttribute("aria-invalid")).toBe("true");
    typeInto(input("login-history-days"), "90");
    typeInto(input("login-history-messages"), "50001");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("History on a new computer: enter a whole number of messages from 0 to 50000.");
    expect(mock.callsOf("login")).toHaveLength(0);
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("新电脑上的聊天记录：请输入 0 到 50000 之间的整数条数。");
  });

  it("shows validation messages in Chinese too", async () => {
    await bootForm();
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    choose(get<HTMLSelectElement>("login-proxy-kind"), "socks5");
    get("login-submit").click();
    expect(get("login-error").textContent).toBe("代理主机：请输入主机名或 IP 地址，不能包含空格或 / @ ? #。");
    expect(get("test-connection").textContent).toBe("测试连接");
  });
});

describe("after logging in", () => {
  it("marks a plain-TCP session with an always visible badge", async () => {
    const { mock } = await bootForm();
    choose(get<HTMLSelectElement>("login-security"), "plainInsecure");
    check(input("login-insecure-confirm"), true);
    get("login-submit").click();
    await settle();
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/Hearth.abc123", newSessionAfterLoss: false });
    await settle();
    const badge = get("insecure-badge");
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe("Not encrypted");
    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost"), retryInSecs: 3 });
    expect(get("insecure-badge").hidden).toBe(false);
  });

  it("shows no badge for an encrypted session", async () => {
    const { mock } = await bootForm();
    get("login-submit").click();
    await settle();
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/Hearth.abc123", newSessionAfterLoss: false });
    await settle();
    expect(get("insecure-badge").hidden).toBe(true);
  });

  it("marks an auto-login that uses saved plain-TCP settings", async () => {
    await boot((m) =>
      m.on("saved_login", () =>
        savedLogin({ jid: "anna@company.com", remember: true, autoLogin: true, hasPassword: true, connection: settings({ security: "plainInsecure" }) }),
      ),
    );
    expect(get("insecure-badge").hidden).toBe(false);
  });

  it("says so when the server could not resume the session, until dismissed", async () => {
    const { mock } = await bootForm();
    get("login-submit").click();
    await settle();
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: false });
    await settle();
    expect(get("session-restarted-notice").hidden).toBe(true);

    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost"), retryInSecs: 0 });
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: true });
    const notice = get("session-restarted-notice");
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toContain("Reconnected, but the server could not resume the previous session.");
    expect(notice.textContent).toContain("offline storage or history");
    get("session-restarted-dismiss").click();
    expect(notice.hidden).toBe(true);
  });

  it("opens the XML console once online when the login asked for it", async () => {
    const { mock } = await bootForm();
    check(input("login-open-console"), true);
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("set_console_open")).toHaveLength(0);
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: false });
    await settle();
    expect(get("console-panel").hidden).toBe(false);
    expect(mock.callsOf("set_console_open")).toEqual([{ open: true }]);

    // Only on start: closing it stays closed across a reconnection.
    get("console-toggle").click();
    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost"), retryInSecs: 0 });
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: false });
    await settle();
    expect(get("console-panel").hidden).toBe(true);
  });

  it("opens the XML console for an auto-login whose saved settings ask for it", async () => {
    const { mock } = await boot((m) =>
      m.on("saved_login", () =>
        savedLogin({ jid: "anna@company.com", remember: true, autoLogin: true, hasPassword: true, connection: settings({ openConsoleOnStart: true }) }),
      ),
    );
    expect(get("console-panel").hidden).toBe(true); // still connecting
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: false });
    await settle();
    expect(get("console-panel").hidden).toBe(false);
  });

  it("keeps the console closed without the option", async () => {
    const { mock } = await bootForm();
    get("login-submit").click();
    await settle();
    mock.emit("connection-state", { state: "online", jid: "anna@company.com/pc", newSessionAfterLoss: false });
    await settle();
    expect(q("console-panel")?.hidden).toBe(true);
    expect(mock.callsOf("set_console_open")).toHaveLength(0);
  });
});
