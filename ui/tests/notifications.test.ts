import { afterEach, describe, expect, it, vi } from "vitest";
import { NOTIFY_WINDOW_MS, Notifier } from "../src/notifications";
import { MockBackend } from "../src/mockBackend";
import { ConversationStore } from "../src/state/conversations";
import { RosterStore } from "../src/state/roster";
import { RoomStore } from "../src/state/rooms";
import { msg, settle } from "./helpers";

const NOW = 1_800_000_000_000;

let clock = NOW;

function setup(focused: boolean) {
  const mock = new MockBackend();
  const convs = new ConversationStore();
  const roster = new RosterStore();
  roster.setItems([{ jid: "bob@example.org", name: "Bob", subscription: "both", pendingOut: false, groups: [] }]);
  const rooms = new RoomStore();
  rooms.joined({ room: "team@conf.example", nick: "anna", subject: null, occupants: [], moderation: false });
  const notifier = new Notifier(mock, convs, roster, rooms, { windowFocused: () => focused }, () => clock);
  return { mock, convs, notifier };
}

describe("desktop notifications", () => {
  afterEach(() => {
    vi.useRealTimers();
    clock = NOW;
  });

  it("sum up a burst from one conversation in one more notification at the end of the window", async () => {
    vi.useFakeTimers();
    const { mock, notifier } = setup(false);
    const from = (body: string) => msg({ peer: "bob@example.org", body, timestamp: clock });
    notifier.onMessagesAdded([from("one")]);
    for (const body of ["two", "three", "four"]) {
      clock += 100;
      notifier.onMessagesAdded([from(body)]);
    }
    expect(mock.callsOf("notify")).toEqual([{ args: { title: "Bob", body: "one" } }]);

    clock = NOW + NOTIFY_WINDOW_MS;
    await vi.advanceTimersByTimeAsync(NOTIFY_WINDOW_MS);
    expect(mock.callsOf("notify")).toEqual([
      { args: { title: "Bob", body: "one" } },
      { args: { title: "Bob", body: "four (+2)" } },
    ]);
    // A new message after a quiet window notifies at once again.
    clock += NOTIFY_WINDOW_MS;
    notifier.onMessagesAdded([from("five")]);
    expect(mock.callsOf("notify")).toHaveLength(3);
  });

  it("drop the held notification when the user opened the conversation meanwhile", async () => {
    vi.useFakeTimers();
    let focused = false;
    const mock = new MockBackend();
    const convs = new ConversationStore();
    const notifier = new Notifier(mock, convs, new RosterStore(), new RoomStore(), { windowFocused: () => focused }, () => clock);
    notifier.onMessagesAdded([msg({ peer: "bob@example.org", body: "one", timestamp: clock })]);
    clock += 1000;
    notifier.onMessagesAdded([msg({ peer: "bob@example.org", body: "two", timestamp: clock })]);
    convs.open("bob@example.org", true);
    focused = true;
    await vi.advanceTimersByTimeAsync(NOTIFY_WINDOW_MS);
    expect(mock.callsOf("notify")).toHaveLength(1);
  });

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

  it("activity summaries notify like messages: 1:1 by count, rooms only for mentions", async () => {
    const { mock, notifier } = setup(false);
    const latest = msg({ peer: "bob@example.org", body: "last of three", timestamp: NOW });
    const room = msg({ peer: "team@conf.example", kind: "groupchat", sender: "carl", body: "lunch?", timestamp: NOW });
    const named = msg({ peer: "team@conf.example", kind: "groupchat", sender: "carl", body: "anna?", timestamp: NOW });
    notifier.onActivity([
      { peer: "bob@example.org", kind: "chat", incoming: 3, mentions: 0, latest, latestMention: null },
      { peer: "team@conf.example", kind: "groupchat", incoming: 9, mentions: 0, latest: room, latestMention: null },
      { peer: "old@example.org", kind: "chat", incoming: 1, mentions: 0, latest: msg({ peer: "old@example.org", timestamp: NOW - 86_400_000 }), latestMention: null },
    ]);
    notifier.onActivity([{ peer: "team@conf.example", kind: "groupchat", incoming: 4, mentions: 2, latest: room, latestMention: named }]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([
      { args: { title: "Bob", body: "last of three (+2)" } },
      { args: { title: "carl · team", body: "anna? (+1)" } },
    ]);
  });

  it("in rooms, only mentions of our nick notify", async () => {
    const { mock, notifier } = setup(false);
    notifier.onMessagesAdded([
      msg({ peer: "team@conf.example", kind: "groupchat", sender: "bob", body: "lunch?", timestamp: NOW }),
      msg({ peer: "team@conf.example", kind: "groupchat", sender: "carl", body: "Anna, can you review?", timestamp: NOW, mentionsMe: true }),
    ]);
    await settle();
    expect(mock.callsOf("notify")).toEqual([
      { args: { title: "carl · team", body: "Anna, can you review?" } },
    ]);
  });
});
