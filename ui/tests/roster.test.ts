import { describe, expect, it } from "vitest";
import type { RosterSnapshot } from "../src/bindings";
import { all, bootOnline, contact, dblclick, get, online, press, q, settle, typeInto } from "./helpers";

const items = [
  contact("zoe@company.com", "Zoe", ["Engineering"]),
  contact("bob@company.com", "Bob", ["Engineering", "Sales"]),
  contact("anna@company.com", "Anna", ["Engineering"]),
  contact("carl@company.com", null, ["Engineering"]),
  contact("dave@company.com", "Dave"),
];
const presences = [
  online("zoe@company.com", "available", "Coding"),
  {
    jid: "anna@company.com",
    resources: [
      { resource: "phone", show: "available" as const, status: "on the phone", priority: 0 },
      { resource: "desk", show: "away" as const, status: "lunch", priority: 10 },
    ],
  },
];

const names = (group: string) =>
  all("roster-contact", `[data-group="${group}"]`).map((r) => r.querySelector(".contact-name")?.textContent);
const row = (group: string, jid: string) => get("roster-contact", `[data-jid="${jid}"][data-group="${group}"]`);

describe("roster", () => {
  it("groups contacts, sorts online first then by name and shows the best resource", async () => {
    await bootOnline((m) => m.on("roster_snapshot", () => ({ items, presences, requests: { jids: [], more: 0 } })));
    const groups = all("roster-group").map((g) => [g.dataset.group, g.querySelector(".group-name")?.textContent]);
    expect(groups).toEqual([["Engineering", "Engineering"], ["Sales", "Sales"], ["", "Contacts"]]);
    expect(names("Engineering")).toEqual(["Anna", "Zoe", "Bob", "carl@company.com"]);
    expect(names("Sales")).toEqual(["Bob"]);

    const anna = row("Engineering", "anna@company.com");
    expect(anna.dataset.show).toBe("away"); // priority 10 beats the available priority-0 resource
    expect(anna.querySelector(".dot")?.classList.contains("show-away")).toBe(true);
    expect(anna.querySelector(".contact-status")?.textContent).toBe("lunch");
    const bob = row("Engineering", "bob@company.com");
    expect(bob.dataset.show).toBe("offline");
    expect(bob.classList.contains("offline")).toBe(true);
    expect(get("roster-group", '[data-group="Engineering"]').querySelector(".group-count")?.textContent).toBe("2/4");
  });

  it("updates only the changed contact's rows on presence-changed", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items, presences, requests: { jids: [], more: 0 } })));
    const before = new Map(all("roster-contact").map((r) => [r, r.querySelector(".contact-name")]));
    const bobRows = all("roster-contact", '[data-jid="bob@company.com"]');
    expect(bobRows).toHaveLength(2);

    const records: MutationRecord[] = [];
    const observer = new MutationObserver((list) => records.push(...list));
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    mock.emit("presence-changed", [online("bob@company.com", "dnd", "Focus time")]);
    await settle();
    records.push(...observer.takeRecords());
    observer.disconnect();
    expect(records.length).toBeGreaterThan(0);

    // same DOM nodes everywhere, now showing dnd
    expect(new Map(all("roster-contact").map((r) => [r, r.querySelector(".contact-name")]))).toEqual(before);
    expect(all("roster-contact", '[data-jid="bob@company.com"]')).toEqual(bobRows);
    const bob = row("Engineering", "bob@company.com");
    expect(bob.dataset.show).toBe("dnd");
    expect(bob.querySelector(".dot")?.className).toBe("dot show-dnd");
    expect(bob.querySelector(".contact-status")?.textContent).toBe("Focus time");
    expect(bob.classList.contains("offline")).toBe(false);
    expect(names("Engineering")).toEqual(["Anna", "Bob", "Zoe", "carl@company.com"]);

    // every mutation is inside a Bob row, in a group header (online count), or moves a Bob row
    const isBobRow = (n: Node) => n instanceof HTMLElement && n.dataset.jid === "bob@company.com";
    for (const r of records) {
      const scope = r.target instanceof Element ? r.target : r.target.parentElement;
      if (r.type === "childList" && scope?.classList.contains("roster-list")) {
        expect([...r.addedNodes, ...r.removedNodes].every(isBobRow)).toBe(true);
        continue;
      }
      // A row below a moved one is one place further down the list.
      if (r.type === "attributes" && r.attributeName === "data-index") continue;
      const allowed = scope?.closest('[data-jid="bob@company.com"]') ?? scope?.closest(".group-toggle");
      expect(allowed, `unexpected mutation in ${scope?.className}`).toBeTruthy();
    }
  });

  it("keeps a roster-changed event that overtakes a slower roster_snapshot answer", async () => {
    let answer: (v: RosterSnapshot) => void = () => {};
    const { mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => new Promise((resolve) => (answer = resolve)));
    });
    // The roster arrives by event while the snapshot request is still out...
    mock.emit("roster-changed", items);
    await settle();
    // ...then the snapshot, taken before the roster was loaded, comes back empty.
    answer({ items: [], presences: [], requests: { jids: [], more: 0 } });
    await settle();
    expect(names("Engineering")).toContain("Bob");
  });

  it("filters by name or JID and replaces the list on roster-changed", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items, presences, requests: { jids: [], more: 0 } })));
    typeInto(get<HTMLInputElement>("roster-filter"), "CARL@");
    const visible = () => all("roster-contact").filter((r) => !r.hidden).map((r) => r.dataset.jid);
    expect(visible()).toEqual(["carl@company.com"]);
    expect(q("roster-group", '[data-group="Sales"]')).toBeNull();
    typeInto(get<HTMLInputElement>("roster-filter"), "");
    expect(visible()).toHaveLength(6);

    mock.emit("roster-changed", [contact("erin@company.com", "Erin", ["Ops"])]);
    expect(all("roster-group").map((g) => g.dataset.group)).toEqual(["Ops"]);
    expect(all("roster-contact").map((r) => r.dataset.jid)).toEqual(["erin@company.com"]);
  });

  it("collapses a group and opens a tab on double-click or Enter", async () => {
    const { mock } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items, presences, requests: { jids: [], more: 0 } })));
    const engineering = get("roster-group", '[data-group="Engineering"]');
    const toggle = engineering.querySelector("button")!;
    toggle.click();
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(all("roster-contact", '[data-group="Engineering"]')).toHaveLength(0);
    toggle.click();
    expect(all("roster-contact", '[data-group="Engineering"]')).toHaveLength(4);

    dblclick(row("Engineering", "zoe@company.com"));
    press(row("", "dave@company.com"), "Enter");
    await settle();
    expect(all("tab").map((t) => [t.dataset.jid, t.getAttribute("aria-selected")])).toEqual([
      ["zoe@company.com", "false"],
      ["dave@company.com", "true"],
    ]);
    expect(mock.callsOf("history_page").map((a) => a.args.peer)).toEqual(["zoe@company.com", "dave@company.com"]);
  });
});

describe("contact requests", () => {
  it("shows who asked to see our presence and sends the answer", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("roster_snapshot", () => ({ items: [], presences: [], requests: { jids: ["stranger@elsewhere.org"], more: 0 } })),
    );
    const row = get("subscription-request");
    expect(row.dataset.jid).toBe("stranger@elsewhere.org");
    expect(row.textContent).toContain("stranger@elsewhere.org wants to see when you are online.");
    row.querySelector<HTMLButtonElement>('[data-testid="subscription-deny"]')!.click();
    await settle();
    expect(mock.callsOf("answer_subscription")).toEqual([{ answer: { jid: "stranger@elsewhere.org", accept: false } }]);
    // The backend's updated list removes it.
    mock.emit("subscription-requests", { jids: [], more: 0 });
    await settle();
    expect(all("subscription-request")).toHaveLength(0);
  });
});
