import { afterEach, describe, expect, it, vi } from "vitest";
import { boot, bootOnline, choose, get, msg, press, problem, q, savedLogin, settle, typeInto } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("main screen", () => {
  it("tells the backend it listens only after subscribing, so early messages are not lost", async () => {
    let listening = -1;
    const { mock } = await boot((m) => {
      m.on("connection_state", () => ({ state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false }));
      m.on("ui_ready", () => {
        listening = m.listenerCount("messages-added");
        // The backend replays what arrived before the page loaded.
        m.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false });
        m.emit("messages-added", [msg({ peer: "early@company.com", id: 7 })]);
        return null;
      });
    });
    await settle();
    expect(mock.callsOf("ui_ready")).toHaveLength(1);
    expect(listening).toBeGreaterThan(0);
    expect(get("tab", '[data-jid="early@company.com"]').querySelector("[data-testid=tab-unread]")?.textContent).toBe("1");
  });

  it("changes presence through set_presence", async () => {
    const { mock } = await bootOnline();
    choose(get<HTMLSelectElement>("presence-show"), "dnd");
    await settle();
    expect(mock.callsOf("set_presence")).toEqual([{ args: { show: "dnd", status: null } }]);
    const status = get<HTMLInputElement>("presence-status");
    typeInto(status, "  In a meeting ");
    press(status, "Enter");
    await settle();
    expect(mock.callsOf("set_presence")[1]).toEqual({ args: { show: "dnd", status: "In a meeting" } });
  });

  it("shows reconnecting with a countdown and hides the banner when back online", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { mock } = await bootOnline();
    const banner = get("status-banner");
    expect(banner.hidden).toBe(true);
    mock.emit("connection-state", { state: "reconnecting", reason: problem("connectionLost", { detail: "connection reset" }), retryInSecs: 5 });
    expect(banner.hidden).toBe(false);
    expect(document.body.dataset.connection).toBe("reconnecting");
    expect(banner.textContent).toContain("Retrying in 5 s.");
    expect(banner.textContent).toContain("Retrying in 5 s. The connection to the server was lost. Details: connection reset");
    vi.advanceTimersByTime(2000);
    expect(banner.textContent).toContain("Retrying in 3 s.");
    mock.emit("connection-state", { state: "online", jid: "me@company.com/hearth", newSessionAfterLoss: false });
    expect(banner.hidden).toBe(true);
    expect(mock.callsOf("roster_snapshot")).toHaveLength(2);
  });

  it("logs out back to the login screen", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("saved_login", () => savedLogin({ jid: "me@company.com", remember: true, hasPassword: true })),
    );
    get("logout").click();
    await settle();
    expect(mock.callsOf("logout")).toEqual([{ forgetPassword: false }]);
    expect(q("own-jid")).toBeNull();
    expect(get<HTMLInputElement>("login-jid").value).toBe("me@company.com");
    expect(document.body.dataset.connection).toBe("offline");
  });

  it("can log out and forget the saved password", async () => {
    const { mock } = await bootOnline();
    get("logout-forget").click();
    await settle();
    expect(mock.callsOf("logout")).toEqual([{ forgetPassword: true }]);
    expect(q("own-jid")).toBeNull();
  });

  it("accepts an empty password when the saved one will be used", async () => {
    const { mock } = await boot((m) =>
      m.on("saved_login", () => savedLogin({ jid: "me@company.com", remember: true, hasPassword: true })),
    );
    get("login-submit").click();
    await settle();
    expect(mock.callsOf("login")[0]?.request.password).toBe("");
  });
});

describe("add contact", () => {
  it("validates the JID, calls add_contact and shows a translated error", async () => {
    let fail = true;
    const { mock } = await bootOnline((m) =>
      m.on("add_contact", () => {
        if (fail) throw problem("notConnected");
        return null;
      }),
    );
    get("add-contact").click();
    const jid = get<HTMLInputElement>("add-contact-jid");
    typeInto(jid, "erin");
    get("add-contact-submit").click();
    expect(get("add-contact-error").textContent).toBe("Enter your address as name@domain, for example anna@company.com.");

    typeInto(jid, "erin@company.com");
    typeInto(get<HTMLInputElement>("add-contact-group"), "Ops");
    get("add-contact-submit").click();
    await settle();
    expect(get("add-contact-error").textContent).toBe("The contact could not be added. You are not connected to the server.");

    fail = false;
    get("add-contact-submit").click();
    await settle();
    expect(mock.callsOf("add_contact")[1]).toEqual({ args: { jid: "erin@company.com", name: null, groups: ["Ops"], share: true } });
    expect(jid.closest("form")?.hidden).toBe(true);
  });
});
