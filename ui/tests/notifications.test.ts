import { describe, expect, it } from "vitest";
import { Notifier } from "../src/notifications";
import { MockBackend } from "../src/mockBackend";
import { ConversationStore } from "../src/state/conversations";
import { RosterStore } from "../src/state/roster";
import { RoomStore } from "../src/state/rooms";
import { msg, settle } from "./helpers";

const NOW = 1_800_000_000_000;

function setup(focused: boolean) {
  const mock = new MockBackend();
  const convs = new ConversationStore();
  const roster = new RosterStore();
  roster.setItems([{ jid: "bob@example.org", name: "Bob", subscription: "both", pendingOut: false, groups: [] }]);
  const rooms = new RoomStore();
  rooms.joined({ room: "team@conf.example", nick: "anna", subject: null, occupants: [] });
  const notifier = new Notifier(mock, convs, roster, rooms, { windowFocused: () => focused }, () => NOW);
  return { mock, convs, notifier };
}

describe("desktop notifications", () => {
  it("notify a new 1:1 message in the background, once per conversation, by roster name", async () => {
    const { mock, notifier } = setup(false);
    notifier.onMessagesAdded([
      msg({ peer: "bob@example.org", body: "first", timestamp: NOW - 1000 }),
      msg({ peer: "bob@example.org", body: "second", timestamp: NOW }),
    ]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([{ args: { title: "Bob", body: "second (+1)" } }]);
  });

  it("stay quiet for the conversation being read, for our own and for old messages", async () => {
    const { mock, convs, notifier } = setup(true);
    convs.open("bob@example.org", true);
    notifier.onMessagesAdded([
      msg({ peer: "bob@example.org", body: "seen", timestamp: NOW }),
      msg({ peer: "carol@example.org", body: "mine", direction: "out", timestamp: NOW }),
      msg({ peer: "dave@example.org", body: "offline from yesterday", timestamp: NOW - 86_400_000 }),
    ]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([]);
  });

  it("names a private message through a room by nick and room", async () => {
    const { mock, notifier } = setup(false);
    notifier.onMessagesAdded([msg({ peer: "team@conf.example/carl", body: "psst", timestamp: NOW })]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([{ args: { title: "carl (team@conf.example)", body: "psst" } }]);
  });

  it("in rooms, only mentions of our nick notify", async () => {
    const { mock, notifier } = setup(false);
    notifier.onMessagesAdded([
      msg({ peer: "team@conf.example", kind: "groupchat", sender: "bob", body: "lunch?", timestamp: NOW }),
      msg({ peer: "team@conf.example", kind: "groupchat", sender: "carl", body: "Anna, can you review?", timestamp: NOW }),
    ]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([
      { args: { title: "carl · team", body: "Anna, can you review?" } },
    ]);
  });
});
