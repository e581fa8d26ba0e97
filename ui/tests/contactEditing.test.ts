import { describe, expect, it, vi } from "vitest";
import type { RosterItem, Subscription } from "../src/bindings";
import { langListenerCount, setLang } from "../src/i18n";
import type { MockBackend } from "../src/mockBackend";
import { all, bootOnline, check, contact, get, press, problem, q, settle, typeInto } from "./helpers";

const ANNA = "anna@company.com";
const BOB = "bob@company.com";

function item(jid: string, name: string | null, subscription: Subscription, pendingOut = false, groups: string[] = []): RosterItem {
  return { jid, name, groups, subscription, pendingOut };
}

function bootRoster(items: RosterItem[], setup?: (mock: MockBackend) => void) {
  return bootOnline((m) => {
    m.on("roster_snapshot", () => ({ items, presences: [], requests: { jids: [], more: 0 } }));
    setup?.(m);
  });
}

const row = (jid: string, group = "") => get("roster-contact", `[data-jid="${jid}"][data-group="${group}"]`);

function rightClick(target: Element): MouseEvent {
  const event = new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX: 40, clientY: 60 });
  target.dispatchEvent(event);
  return event;
}

/** Right-click on the row, then the menu entry. */
function choose(target: HTMLElement, entry: "contact-menu-edit" | "contact-menu-ask" | "contact-menu-remove"): void {
  rightClick(target);
  get(entry).click();
}

/** Adds `name` to the editor's groups as typed, confirmed with Enter. */
function addGroup(name: string): void {
  const input = get<HTMLInputElement>("contact-editor-group-input");
  typeInto(input, name);
  press(input, "Enter");
}

const chips = () => all("contact-editor-group").map((c) => c.querySelector(".chip-text")?.textContent);

describe("contact menu", () => {
  it("opens on right-click with the contact's actions, the first one focused, and closes on a click elsewhere", async () => {
    await bootRoster([contact(ANNA, "Anna")]);
    const event = rightClick(row(ANNA));
    expect(event.defaultPrevented).toBe(true);
    const menu = get("contact-menu");
    expect(menu.getAttribute("role")).toBe("menu");
    expect(menu.getAttribute("aria-label")).toBe("Actions for Anna");
    expect([...menu.querySelectorAll('[role="menuitem"]')].map((b) => b.textContent)).toEqual(["Edit name and groups…", "Stop seeing their status", "Remove contact…"]);
    expect(document.activeElement).toBe(get("contact-menu-edit"));
    // Placed where it was asked for, through the CSSOM.
    expect(menu.style.left).toBe("40px");
    expect(menu.style.top).toBe("60px");

    document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    expect(q("contact-menu")).toBeNull();
  });

  it("opens with Shift+F10 or the ContextMenu key, moves with the arrow keys, and Esc gives the focus back to the row", async () => {
    await bootRoster([item(ANNA, "Anna", "none")]);
    const anna = row(ANNA);
    anna.focus();
    press(anna, "F10", { shiftKey: true });
    expect(q("contact-menu")).not.toBeNull();
    const entries = ["contact-menu-edit", "contact-menu-ask", "contact-menu-remove"].map((id) => get(id));
    expect(document.activeElement).toBe(entries[0]);
    press(document.activeElement!, "ArrowDown");
    expect(document.activeElement).toBe(entries[1]);
    press(document.activeElement!, "ArrowUp");
    press(document.activeElement!, "ArrowUp");
    expect(document.activeElement).toBe(entries[2]); // wraps around
    press(document.activeElement!, "Home");
    expect(document.activeElement).toBe(entries[0]);
    press(document.activeElement!, "Escape");
    expect(q("contact-menu")).toBeNull();
    expect(document.activeElement).toBe(anna);

    press(anna, "ContextMenu");
    expect(q("contact-menu")).not.toBeNull();
    // The contextmenu event the key fires as well does not open it twice.
    anna.dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true }));
    expect(all("contact-menu")).toHaveLength(1);
    press(document.activeElement!, "Escape");
    expect(document.activeElement).toBe(anna);
  });

  it("offers to ask for their status only when we do not see it and have not asked yet", async () => {
    const { mock } = await bootRoster([
      item("none@x.org", null, "none"),
      item("from@x.org", null, "from"),
      item("to@x.org", null, "to"),
      item("both@x.org", null, "both"),
      item("asked@x.org", null, "none", true),
      item("askedfrom@x.org", null, "from", true),
    ]);
    const offered = (jid: string): boolean => {
      rightClick(row(jid));
      const has = q("contact-menu-ask") !== null;
      press(document.activeElement!, "Escape");
      return has;
    };
    expect(["none@x.org", "from@x.org", "to@x.org", "both@x.org", "asked@x.org", "askedfrom@x.org"].filter(offered)).toEqual(["none@x.org", "from@x.org"]);

    choose(row("from@x.org"), "contact-menu-ask");
    await settle();
    expect(mock.callsOf("ask_presence")).toEqual([{ args: { jid: "from@x.org", ask: true } }]);
    expect(q("contact-menu")).toBeNull();
    expect(q("contact-ask-error")).toBeNull();
    expect(document.activeElement).toBe(row("from@x.org"));
  });

  it("says why asking for their status failed", async () => {
    await bootRoster([item(ANNA, "Anna", "none")], (m) =>
      m.on("ask_presence", () => {
        throw problem("notConnected");
      }),
    );
    choose(row(ANNA), "contact-menu-ask");
    await settle();
    const dialog = get("contact-ask-error");
    expect(dialog.textContent).toContain("Could not ask to see the status of Anna.");
    get("contact-ask-error-close").click();
    expect(q("contact-ask-error")).toBeNull();
    expect(document.activeElement).toBe(row(ANNA));
  });
});

describe("edit contact", () => {
  it("renames, adds a Chinese group, removes one and sends the complete list", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna", ["Engineering", "Sales"]), contact(BOB, "Bob", ["Support"])]);
    const anna = row(ANNA, "Engineering");
    choose(anna, "contact-menu-edit");
    expect(q("contact-menu")).toBeNull();

    const dialog = get("contact-editor");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Edit contact");
    // An overlay above the window, not a form in the sidebar.
    expect(dialog.closest(".sidebar")).toBeNull();
    const name = get<HTMLInputElement>("contact-editor-name");
    expect(name.value).toBe("Anna");
    expect(document.activeElement).toBe(name);
    expect(get("contact-editor-subscription").textContent).toBe("You see each other's status");
    expect(chips()).toEqual(["Engineering", "Sales"]);
    const suggestions = [...get("contact-editor-group-suggestions").querySelectorAll("option")].map((o) => o.value);
    expect(suggestions).toEqual(["Support"]);

    typeInto(name, "Anna Schmidt");
    addGroup("研发部");
    addGroup("Engineering"); // already there: not twice
    expect(chips()).toEqual(["Engineering", "Sales", "研发部"]);
    get("contact-editor-group", '[data-group="Sales"]').querySelector<HTMLButtonElement>('[data-testid="contact-editor-group-remove"]')!.click();
    expect(chips()).toEqual(["Engineering", "研发部"]);
    expect(document.activeElement).toBe(get("contact-editor-group-input"));

    get("contact-editor-save").click();
    await settle();
    expect(mock.callsOf("update_contact")).toEqual([{ args: { jid: ANNA, name: "Anna Schmidt", groups: ["Engineering", "研发部"] } }]);
    expect(q("contact-editor")).toBeNull();
    expect(document.activeElement).toBe(anna);
  });

  it("adds groups typed with a comma (also the full-width one), and one left in the field on save", async () => {
    const { mock } = await bootRoster([contact(ANNA, null)]);
    choose(row(ANNA), "contact-menu-edit");
    expect(get<HTMLInputElement>("contact-editor-name").value).toBe("");
    const input = get<HTMLInputElement>("contact-editor-group-input");
    typeInto(input, "市场部，销售部,Fri");
    expect(chips()).toEqual(["市场部", "销售部"]);
    expect(input.value).toBe("Fri");
    // Enter that confirms an input method's candidate adds nothing.
    press(input, "Enter", { isComposing: true });
    expect(chips()).toEqual(["市场部", "销售部"]);
    typeInto(input, "Friends");
    get("contact-editor-save").click();
    await settle();
    expect(mock.callsOf("update_contact")).toEqual([{ args: { jid: ANNA, name: null, groups: ["市场部", "销售部", "Friends"] } }]);
  });

  it("shows a refused save in the user's language, keeps the dialog, and is busy while saving", async () => {
    let reject: (e: unknown) => void = () => {};
    const { mock } = await bootRoster([contact(ANNA, "Anna")], (m) =>
      m.on("update_contact", () => new Promise((_, no) => (reject = no))),
    );
    setLang("zh-CN");
    choose(row(ANNA), "contact-menu-edit");
    expect(get("contact-editor").textContent).toContain("编辑联系人");
    typeInto(get<HTMLInputElement>("contact-editor-name"), "安娜");
    const save = get<HTMLButtonElement>("contact-editor-save");
    save.click();
    await settle();
    expect(save.disabled).toBe(true);
    expect(save.getAttribute("aria-busy")).toBe("true");
    expect(save.textContent).toBe("正在保存…");
    save.click(); // a second click while busy sends nothing more
    expect(mock.callsOf("update_contact")).toHaveLength(1);

    reject(problem("remoteError", { condition: "not-allowed" }));
    await settle();
    const error = get("contact-editor-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("无法保存联系人。");
    expect(q("contact-editor")).not.toBeNull();
    expect(save.disabled).toBe(false);
    expect(save.textContent).toBe("保存");
    expect(get<HTMLInputElement>("contact-editor-name").value).toBe("安娜");

    setLang("en");
    expect(get("contact-editor-error").textContent).toContain("The contact could not be saved.");
  });

  it("keeps the focus inside and closes with Esc or Cancel, giving the focus back to the row", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna")]);
    const anna = row(ANNA);
    choose(anna, "contact-menu-edit");
    const save = get("contact-editor-save");
    save.focus();
    press(save, "Tab");
    expect(document.activeElement).toBe(get("contact-editor-name"));
    press(document.activeElement!, "Tab", { shiftKey: true });
    expect(document.activeElement).toBe(save);
    // Focus put behind the dialog comes back into it.
    anna.focus();
    expect(get("contact-editor").contains(document.activeElement)).toBe(true);

    press(document.activeElement!, "Escape");
    expect(q("contact-editor")).toBeNull();
    expect(document.activeElement).toBe(anna);

    choose(anna, "contact-menu-edit");
    get("contact-editor-cancel").click();
    expect(q("contact-editor")).toBeNull();
    expect(document.activeElement).toBe(anna);
    expect(mock.callsOf("update_contact")).toEqual([]);
  });
});

describe("remove contact", () => {
  it("asks first, then sends remove_contact; Cancel sends nothing", async () => {
    const { mock } = await bootRoster([contact(ANNA, "Anna")]);
    const anna = row(ANNA);
    choose(anna, "contact-menu-remove");
    const dialog = get("contact-remove-confirm");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.textContent).toContain(
      "Remove Anna from your contacts? You will no longer see each other's status. Your conversation stays.",
    );
    // A stray Enter does not remove anyone.
    expect(document.activeElement).toBe(get("contact-remove-cancel"));
    get("contact-remove-cancel").click();
    expect(q("contact-remove-confirm")).toBeNull();
    expect(document.activeElement).toBe(anna);
    expect(mock.callsOf("remove_contact")).toEqual([]);

    choose(anna, "contact-menu-remove");
    get("contact-remove-ok").click();
    await settle();
    expect(mock.callsOf("remove_contact")).toEqual([{ args: { jid: ANNA } }]);
    expect(q("contact-remove-confirm")).toBeNull();
  });

  it("shows a refused removal in the dialog", async () => {
    await bootRoster([contact(ANNA, "Anna")], (m) =>
      m.on("remove_contact", () => {
        throw problem("notConnected");
      }),
    );
    choose(row(ANNA), "contact-menu-remove");
    get("contact-remove-ok").click();
    await settle();
    expect(get("contact-remove-error").textContent).toContain("The contact could not be removed.");
    expect(q("contact-remove-confirm")).not.toBeNull();
  });
});

describe("subscription state and remote text", () => {
  it("says in the row's tooltip who sees whose status", async () => {
    await bootRoster([
      item("both@x.org", null, "both"),
      item("to@x.org", null, "to"),
      item("from@x.org", null, "from"),
      item("none@x.org", null, "none", true),
    ]);
    expect(row("both@x.org").title).toBe("both@x.org\nYou see each other's status");
    expect(row("to@x.org").title).toBe("to@x.org\nYou see their status; they don't see yours");
    expect(row("from@x.org").title).toBe("from@x.org\nThey see your status; you don't see theirs");
    expect(row("none@x.org").title).toBe("none@x.org\nNeither of you sees the other's status (waiting for their answer)");
    setLang("zh-CN");
    expect(row("both@x.org").title).toBe("both@x.org\n你们能看到彼此的在线状态");
    setLang("en");
  });

  it("shows a name with markup as text, in the row, the menu and the dialogs", async () => {
    await bootRoster([contact(ANNA, "<b>x</b>", ["<i>g</i>"])]);
    const anna = row(ANNA, "<i>g</i>");
    expect(anna.querySelector(".contact-name")?.textContent).toBe("<b>x</b>");
    rightClick(anna);
    expect(get("contact-menu").getAttribute("aria-label")).toBe("Actions for <b>x</b>");
    get("contact-menu-edit").click();
    expect(get<HTMLInputElement>("contact-editor-name").value).toBe("<b>x</b>");
    expect(chips()).toEqual(["<i>g</i>"]);
    expect(get("contact-editor").querySelector("b, i")).toBeNull();
    press(document.activeElement!, "Escape");
    choose(anna, "contact-menu-remove");
    expect(get("contact-remove-confirm").textContent).toContain("Remove <b>x</b> from your contacts?");
    expect(get("contact-remove-confirm").querySelector("b")).toBeNull();
  });

  it("leaves no menu, dialog or listener behind when the screen goes", async () => {
    const { app, mock } = await bootRoster([contact(ANNA, "Anna")]);
    app.showLogin();
    const langAlone = langListenerCount();
    const rosterAlone = app.roster.itemsChanged.size;
    app.showMain();
    await settle();

    const added = vi.spyOn(document, "addEventListener");
    const removed = vi.spyOn(document, "removeEventListener");
    rightClick(row(ANNA));
    app.showLogin();
    expect(q("contact-menu")).toBeNull();
    const outside = added.mock.calls.filter(([type]) => type === "mousedown");
    expect(outside).toHaveLength(1);
    expect(removed.mock.calls.some(([type, fn]) => type === "mousedown" && fn === outside[0]![1])).toBe(true);
    vi.restoreAllMocks();

    app.showMain();
    await settle();
    const rosterShown = app.roster.itemsChanged.size;
    choose(row(ANNA), "contact-menu-edit");
    // The dialog follows the roster while it is open.
    expect(app.roster.itemsChanged.size).toBe(rosterShown + 1);
    mock.emit("roster-changed", [item(ANNA, "Anna", "to", true)]);
    expect(get("contact-editor-subscription").textContent).toBe("You see their status; they don't see yours (waiting for their answer)");
    app.showLogin();
    expect(q("contact-editor")).toBeNull();
    expect(document.querySelector(".overlay-host")).toBeNull();
    expect(langListenerCount()).toBe(langAlone);
    expect(app.roster.itemsChanged.size).toBe(rosterAlone);
  });
});

describe("add contact", () => {
  it("shares our presence by default, and not when unchecked", async () => {
    const { mock } = await bootRoster([]);
    get("add-contact").click();
    const share = get<HTMLInputElement>("add-contact-share");
    expect(share.checked).toBe(true);
    expect(share.labels?.[0]?.textContent).toBe("Let them see when I'm online");
    typeInto(get<HTMLInputElement>("add-contact-jid"), "new@x.org");
    get("add-contact-submit").click();
    await settle();

    get("add-contact").click();
    expect(get<HTMLInputElement>("add-contact-share").checked).toBe(true); // back to the default
    typeInto(get<HTMLInputElement>("add-contact-jid"), "other@x.org");
    check(get<HTMLInputElement>("add-contact-share"), false);
    get("add-contact-submit").click();
    await settle();
    expect(mock.callsOf("add_contact")).toEqual([
      { args: { jid: "new@x.org", name: null, groups: [], share: true } },
      { args: { jid: "other@x.org", name: null, groups: [], share: false } },
    ]);
  });
});
