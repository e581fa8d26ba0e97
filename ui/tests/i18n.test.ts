import { afterEach, describe, expect, it, vi } from "vitest";
import { en } from "../src/i18n/en";
import { zhCN } from "../src/i18n/zh-CN";
import { detectLang, getLang, initI18n, setLang, t } from "../src/i18n";
import { boot, bootOnline, choose, contact, dblclick, get, msg, settle, typeInto } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("i18n", () => {
  it("has the same keys, all non-empty, in both dictionaries", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of [...Object.entries(en), ...Object.entries(zhCN)]) {
      for (const form of typeof value === "string" ? [value] : Object.values(value)) expect(form.trim(), key).not.toBe("");
    }
    // English counts have two forms; Chinese needs one.
    for (const value of Object.values(en)) {
      if (typeof value !== "string") expect(Object.keys(value).sort()).toEqual(["one", "other"]);
    }
  });

  it("picks the plural form by the count: no more “1 people”", () => {
    expect(t("occupants.count", { count: 1 })).toBe("1 person");
    expect(t("occupants.count", { count: 0 })).toBe("0 people");
    expect(t("occupants.count", { count: 2 })).toBe("2 people");
    expect(t("room.mentions", { count: 1 })).toBe("1 unread mention of you");
    expect(t("tabs.unread", { count: 3 })).toBe("3 unread messages");
    setLang("zh-CN");
    expect(t("occupants.count", { count: 1 })).toBe("1 人");
    expect(t("occupants.count", { count: 5 })).toBe("5 人");
    setLang("en");
  });

  it("follows navigator.language the first time and the stored choice afterwards", () => {
    localStorage.clear();
    vi.spyOn(navigator, "language", "get").mockReturnValue("zh-TW");
    expect(detectLang()).toBe("zh-CN");
    vi.spyOn(navigator, "language", "get").mockReturnValue("de-DE");
    expect(detectLang()).toBe("en");
    localStorage.setItem("hearth.lang", "zh-CN");
    initI18n();
    expect(getLang()).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
  });

  it("relabels the login screen without losing what was typed", async () => {
    await boot();
    const jid = get<HTMLInputElement>("login-jid");
    typeInto(jid, "anna@company.com");
    get("login-submit").click(); // no password → validation message
    expect(get("login-error").textContent).toBe("Enter your password.");

    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
    expect(localStorage.getItem("hearth.lang")).toBe("zh-CN");
    expect(get("login-submit").textContent).toBe("登录");
    expect(document.querySelector('label[for="login-password"]')?.textContent).toBe("密码");
    expect(get("login-error").textContent).toBe("请输入密码。");
    expect(get<HTMLInputElement>("login-jid")).toBe(jid);
    expect(jid.value).toBe("anna@company.com");
  });

  it("relabels the main screen while keeping tabs and messages", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items: [contact("anna@company.com", null)], presences: [], requests: { jids: [], more: 0 } })));
    dblclick(get("roster-contact"));
    mock.emit("messages-added", [msg({ peer: "anna@company.com", id: 5, body: "hi" })]);
    await settle();
    expect(get("roster-group").querySelector(".group-name")?.textContent).toBe("Contacts");

    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    expect(get("roster-group").querySelector(".group-name")?.textContent).toBe("联系人");
    expect(get("logout").textContent).toBe("退出登录");
    expect(get<HTMLSelectElement>("presence-show").selectedOptions[0]?.textContent).toBe("在线");
    expect(get("composer-send").textContent).toBe("发送");
    expect(get("tab").getAttribute("aria-selected")).toBe("true");
    expect(get("message-body").textContent).toBe("hi");
  });
});
