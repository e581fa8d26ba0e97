import { describe, expect, it } from "vitest";
import type { App } from "../src/app";
import { langListenerCount } from "../src/i18n";
import { Emitter } from "../src/state/emitter";
import { bootOnline, contact, dblclick, get, msg, occ, settle } from "./helpers";

const ROOM = "team@conference.company.com";
const ANNA = "anna@company.com";

/** Listeners on every store of the app, by "store.emitter". */
function storeListeners(app: App): Map<string, number> {
  const counts = new Map<string, number>();
  const stores = { connection: app.connection, roster: app.roster, convs: app.convs, rooms: app.rooms, bookmarks: app.bookmarks, invitations: app.invitations, strangers: app.strangers, roomAdmin: app.roomAdmin };
  for (const [name, store] of Object.entries(stores)) {
    for (const [field, value] of Object.entries(store)) if (value instanceof Emitter) counts.set(`${name}.${field}`, value.size);
  }
  return counts;
}

describe("view lifecycle", () => {
  it("disposing the main screen, with chat and room tabs open, leaves no store, language or backend listener behind", async () => {
    const { app, mock } = await bootOnline((m) => {
      m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: ["x@elsewhere.org"], more: 0 } }));
      m.on("join_room", ({ args }) => ({ room: args.room, nick: "me", subject: null, occupants: [occ("me"), occ("bob")], moderation: false }));
    });
    // What is subscribed with no screen at all: the controllers' own listeners.
    app.showLogin();
    const screenless = new Map<string, number>();
    const langBefore = langListenerCount();
    (app as unknown as { screen: { dispose(): void } | null }).screen?.dispose();
    for (const [k, v] of storeListeners(app)) screenless.set(k, v);
    const langNone = langListenerCount();
    expect(langNone).toBeLessThan(langBefore);

    app.showMain();
    await settle();
    dblclick(get("roster-contact", `[data-jid="${ANNA}"]`));
    get("join-room-open").click();
    get<HTMLInputElement>("join-room-address").value = ROOM;
    get("join-room-submit").click();
    await settle();
    mock.emit("messages-added", [msg({ peer: ANNA }), msg({ peer: "stranger@elsewhere.org" })]);
    get("console-toggle").click();
    await settle();
    expect(langListenerCount()).toBeGreaterThan(langNone);
    expect(mock.listenerCount("xml-console")).toBe(1);
    const mounted = storeListeners(app);
    expect([...mounted.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan([...screenless.values()].reduce((a, b) => a + b, 0));

    (app as unknown as { screen: { dispose(): void } | null }).screen?.dispose();
    expect(storeListeners(app)).toEqual(screenless);
    expect(langListenerCount()).toBe(langNone);
    expect(mock.listenerCount("xml-console")).toBe(0);
  });

  it("switching screens back and forth does not grow the listeners", async () => {
    const { app } = await bootOnline((m) => m.on("roster_snapshot", () => ({ items: [contact(ANNA, "Anna")], presences: [], requests: { jids: [], more: 0 } })));
    app.showLogin();
    app.showMain();
    await settle();
    const once = storeListeners(app);
    const lang = langListenerCount();
    for (let i = 0; i < 3; i++) {
      app.showLogin();
      app.showMain();
      await settle();
    }
    expect(storeListeners(app)).toEqual(once);
    expect(langListenerCount()).toBe(lang);
  });
});
