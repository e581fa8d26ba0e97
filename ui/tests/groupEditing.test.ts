import { describe, expect, it } from "vitest";
import type { RosterItem, Subscription } from "../src/bindings";
import { setLang } from "../src/i18n";
import type { MockBackend } from "../src/mockBackend";
import { all, bootOnline, contact, get, press, problem, q, settle, typeInto } from "./helpers";

const ANNA = "anna@company.com";
const BOB = "bob@company.com";
const CARL = "carl@company.com";

function bootRoster(items: RosterItem[], setup?: (mock: MockBackend) => void) {
  return bootOnline((m) => {
    m.on("roster_snapshot", () => ({ items, presences: [], requests: { jids: [], more: 0 } }));
    setup?.(m);
  });
}

function header(group: string): HTMLElement {
  const found = all("roster-group").find((h) => h.dataset.group === group);
  if (!found) throw new Error(`no header for ${group}`);
  return found;
}
const toggle = (group: string) => header(group).querySelector<HTMLButtonElement>(".group-toggle")!;
const row = (jid: string) => get("roster-contact", `[data-jid="${jid}"][data-group=""]`);

function rightClick(target: Element): MouseEvent {
  const event = new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX: 30, clientY: 50 });
  target.dispatchEvent(event);
  return event;
}

function choose(group: string, entry: "group-menu-rename" | "group-menu-dissolve"): void {
  rightClick(toggle(group));
  get(entry).click();
}

const menuLabels = (testid: string) => [...get(testid).querySelectorAll('[role="menuitem"]')].map((b) => b.textContent);

describe("group menu", () => {
  it("opens on a right-click on a group header, and with Shift+F10 or the ContextMenu key on its toggle", async () => {
    await bootRoster([contact(ANNA, "Anna", ["Work"]), contact(BOB, "Bob")]);
    const event = rightClick(header("Work"));
    expect(event.defaultPrevented).toBe(true);
    const menu = get("group-menu");
    expect(menu.getAttribute("role")).toBe("menu");
    expect(menu.getAttribute("aria-label")).toBe("Actions for the group Work");
    expect(menuLabels("group-menu")).toEqual(["Rename group…", "Dissolve group…"]);
    expect(document.activeElement).toBe(get("group-menu-rename"));
    press(document.activeElement!, "Escape");
    expect(q("group-menu")).toBeNull();
    expect(document.activeElement).toBe(toggle("Work"));

    press(toggle("Work"), "F10", { shiftKey: true });
    expect(q("group-menu")).not.toBeNull();
    // The contextmenu event the keys fire as well does not open it twice.
    toggle("Work").dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true }));
    expect(document.querySelectorAll('[data-testid="group-menu"]')).toHaveLength(1);
    press(document.activeElement!, "Escape");
    expect(document.activeElement).toBe(toggle("Work"));

    press(toggle("Work"), "ContextMenu");
    expect(q("group-menu")).not.toBeNull();
    press(document.activeElement!, "Escape");
  });

  it("is not offered on the ungrouped Contacts header", async () => {
    await bootRoster([contact(ANNA, "Anna", ["Work"]), contact(BOB, "Bob")]);
    rightClick(header(""));
    press(toggle(""), "F10", { shiftKey: true });
    press(toggle(""), "ContextMenu");
    expect(q("group-menu")).toBeNull();
    expect(q("contact-menu")).toBeNull();
  });
});

describe("rename group", () => {
  it("sends exactly {from, to}, trimmed, closes and gives the focus back to the header", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna", ["Work"]), contact(BOB, "Bob", ["Work"])]);
    choose("Work", "group-menu-rename");
    const dialog = get("group-rename");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Rename group");
    const name = get<HTMLInputElement>("group-rename-name");
    const save = get<HTMLButtonElement>("group-rename-save");
    expect(name.value).toBe("Work");
    expect(document.activeElement).toBe(name);
    expect(save.disabled).toBe(true); // unchanged
    typeInto(name, "   ");
    expect(save.disabled).toBe(true); // blank
    typeInto(name, " Work ");
    expect(save.disabled).toBe(true); // the same once trimmed
    typeInto(name, "  工作  ");
    expect(save.disabled).toBe(false);
    save.click();
    await settle();
    expect(mock.callsOf("regroup")).toEqual([{ args: { from: "Work", to: "工作" } }]);
    expect(q("group-rename")).toBeNull();
    expect(document.activeElement).toBe(toggle("Work"));
  });

  it("keeps the dialog with the error in the user's language, busy while saving; Cancel sends nothing", async () => {
    let reject: (e: unknown) => void = () => {};
    const { mock } = await bootRoster([contact(ANNA, "Anna", ["Work"])], (m) =>
      m.on("regroup", () => new Promise((_, no) => (reject = no))),
    );
    setLang("zh-CN");
    choose("Work", "group-menu-rename");
    expect(get("group-rename").textContent).toContain("重命名分组");
    typeInto(get<HTMLInputElement>("group-rename-name"), "工作");
    const save = get<HTMLButtonElement>("group-rename-save");
    save.click();
    await settle();
    expect(save.disabled).toBe(true);
    expect(save.getAttribute("aria-busy")).toBe("true");
    expect(save.textContent).toBe("正在保存…");

    reject(problem("notConnected"));
    await settle();
    const error = get("group-rename-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("无法重命名分组。");
    expect(q("group-rename")).not.toBeNull();
    expect(save.disabled).toBe(false);
    expect(get<HTMLInputElement>("group-rename-name").value).toBe("工作");
    setLang("en");
    expect(get("group-rename-error").textContent).toContain("The group could not be renamed.");

    get("group-rename-cancel").click();
    expect(q("group-rename")).toBeNull();
    expect(document.activeElement).toBe(toggle("Work"));
    expect(mock.callsOf("regroup")).toHaveLength(1);
  });
});

describe("dissolve group", () => {
  it("asks first with the count, Cancel focused; Cancel sends nothing, Dissolve sends {from, to: \"\"}", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna", ["Work"]), contact(BOB, "Bob", ["Work", "Friends"]), contact(CARL, "Carl", ["Friends"])]);
    choose("Work", "group-menu-dissolve");
    const dialog = get("group-dissolve-confirm");
    expect(dialog.getAttribute("role")).toBe("alertdialog");
    expect(dialog.textContent).toContain("Dissolve the group Work? Its 2 contacts stay in your contacts.");
    expect(document.activeElement).toBe(get("group-dissolve-cancel"));
    get("group-dissolve-cancel").click();
    expect(q("group-dissolve-confirm")).toBeNull();
    expect(document.activeElement).toBe(toggle("Work"));
    expect(mock.callsOf("regroup")).toEqual([]);

    choose("Work", "group-menu-dissolve");
    get("group-dissolve-ok").click();
    await settle();
    expect(mock.callsOf("regroup")).toEqual([{ args: { from: "Work", to: "" } }]);
    expect(q("group-dissolve-confirm")).toBeNull();
  });

  it("says 1 contact and 2 contacts, and counts in Chinese too", async () => {
    await bootRoster([contact(ANNA, "Anna", ["Solo"]), contact(BOB, "Bob", ["Pair"]), contact(CARL, "Carl", ["Pair"])]);
    choose("Solo", "group-menu-dissolve");
    expect(get("group-dissolve-confirm").textContent).toContain("Its 1 contact stays in your contacts.");
    press(document.activeElement!, "Escape");
    choose("Pair", "group-menu-dissolve");
    expect(get("group-dissolve-confirm").textContent).toContain("Its 2 contacts stay in your contacts.");
    setLang("zh-CN");
    expect(get("group-dissolve-confirm").textContent).toContain("要解散分组“Pair”吗？其中的 2 个联系人仍会保留在你的联系人中。");
    setLang("en");
  });

  it("keeps a refused dissolve in the dialog", async () => {
    await bootRoster([contact(ANNA, "Anna", ["Work"])], (m) =>
      m.on("regroup", () => {
        throw problem("notConnected");
      }),
    );
    choose("Work", "group-menu-dissolve");
    get("group-dissolve-ok").click();
    await settle();
    expect(get("group-dissolve-error").textContent).toContain("The group could not be dissolved.");
    expect(q("group-dissolve-confirm")).not.toBeNull();
  });

  it("shows a group name with markup as text, in the menu and both dialogs", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna", ["<b>x</b>"])]);
    expect(header("<b>x</b>").querySelector("b")).toBeNull();
    rightClick(toggle("<b>x</b>"));
    expect(get("group-menu").getAttribute("aria-label")).toBe("Actions for the group <b>x</b>");
    get("group-menu-rename").click();
    expect(get<HTMLInputElement>("group-rename-name").value).toBe("<b>x</b>");
    expect(get("group-rename").querySelector("b")).toBeNull();
    press(document.activeElement!, "Escape");
    choose("<b>x</b>", "group-menu-dissolve");
    expect(get("group-dissolve-confirm").textContent).toContain("Dissolve the group <b>x</b>? Its 1 contact stays");
    expect(get("group-dissolve-confirm").querySelector("b")).toBeNull();
    get("group-dissolve-ok").click();
    await settle();
    expect(mock.callsOf("regroup")).toEqual([{ args: { from: "<b>x</b>", to: "" } }]);
  });
});

describe("stop seeing their status", () => {
  const item = (jid: string, subscription: Subscription, pendingOut = false): RosterItem => ({ jid, name: null, groups: [], subscription, pendingOut });

  it("is offered only when we see their status, and sends ask:false", async () => {
    const { mock } = await bootRoster([item("none@x.org", "none"), item("from@x.org", "from"), item("to@x.org", "to"), item("both@x.org", "both"), item("asked@x.org", "none", true)]);
    const offered = (jid: string): boolean => {
      rightClick(row(jid));
      const has = q("contact-menu-stop") !== null;
      press(document.activeElement!, "Escape");
      return has;
    };
    expect(["none@x.org", "from@x.org", "to@x.org", "both@x.org", "asked@x.org"].filter(offered)).toEqual(["to@x.org", "both@x.org"]);
    rightClick(row("both@x.org"));
    expect(get("contact-menu-stop").textContent).toBe("Stop seeing their status");
    get("contact-menu-stop").click();
    await settle();
    expect(mock.callsOf("ask_presence")).toEqual([{ args: { jid: "both@x.org", ask: false } }]);
    expect(q("contact-ask-error")).toBeNull();
    expect(document.activeElement).toBe(row("both@x.org"));
  });

  it("says why it failed, in the ask failure dialog", async () => {
    await bootRoster([{ ...item(ANNA, "to"), name: "Anna" }], (m) =>
      m.on("ask_presence", () => {
        throw problem("notConnected");
      }),
    );
    rightClick(row(ANNA));
    get("contact-menu-stop").click();
    await settle();
    expect(get("contact-ask-error").textContent).toContain("Could not stop seeing the status of Anna.");
    get("contact-ask-error-close").click();
    expect(document.activeElement).toBe(row(ANNA));
  });
});
