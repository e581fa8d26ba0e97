import { describe, expect, it } from "vitest";
import type { RoomSnapshot } from "../src/bindings";
import { all, bootOnline, choose, get, msg, occ, press, problem, q, settle, openChat } from "./helpers";

const ANNA = "anna@company.com";
const HOSTILE = "<img src=x onerror=alert(1)>";

function openAnna(setup?: Parameters<typeof bootOnline>[0]) {
  return openChat(ANNA, "Anna", setup);
}

const composer = () => get<HTMLTextAreaElement>("composer-input");
const ours = (partial: Parameters<typeof msg>[0]) => msg({ direction: "out", state: "acked", originId: `o${partial.id}`, ...partial });

describe("corrections and retractions", () => {
  it("corrects our last message with Up, shows it edited with the earlier text, and cancels with Esc", async () => {
    const { mock } = await openAnna((m) =>
      m.on("message_versions", () => [{ body: `teh plan ${HOSTILE}`, replacedAt: 1_700_000_100_000 }]),
    );
    mock.emit("messages-added", [
      ours({ peer: ANNA, id: 41, body: "older" }),
      msg({ peer: ANNA, id: 42, body: "hers" }),
      ours({ peer: ANNA, id: 43, body: "teh plan" }),
    ]);
    await settle();
    // Up in an empty composer takes our newest message back.
    expect(press(composer(), "ArrowUp").defaultPrevented).toBe(true);
    expect(composer().value).toBe("teh plan");
    expect(get("composer-editing").hidden).toBe(false);
    // Esc gives up: nothing is sent.
    press(composer(), "Escape");
    expect(composer().value).toBe("");
    expect(get("composer-editing").hidden).toBe(true);

    // The message's own Edit button does the same.
    const last = all("message").at(-1)!;
    get("message-edit", "", last).click();
    expect(composer().value).toBe("teh plan");
    composer().value = "the plan";
    press(composer(), "Enter");
    await settle();
    expect(mock.callsOf("correct_message")).toEqual([{ args: { id: 43, body: "the plan" } }]);
    expect(mock.callsOf("send_message")).toHaveLength(0);

    mock.emit("message-updated", ours({ peer: ANNA, id: 43, body: "the plan", edited: 1_700_000_100_000 }));
    await settle();
    const edited = all("message").at(-1)!;
    expect(get("message-body", "", edited).textContent).toBe("the plan");
    get("message-edited", "", edited).click();
    await settle();
    const versions = get("message-versions", "", edited);
    expect(versions.textContent).toBe(`teh plan ${HOSTILE}`);
    expect(versions.querySelector("img")).toBeNull();
    // Their messages have no such controls.
    expect(q("message-edit", "", all("message")[1])).toBeNull();
  });

  it("retracts only after a second click, and shows a tombstone without the text", async () => {
    const { mock } = await openAnna();
    mock.emit("messages-added", [ours({ peer: ANNA, id: 51, body: "wrong chat" })]);
    await settle();
    const button = get("message-retract");
    button.click();
    expect(mock.callsOf("retract_message")).toHaveLength(0);
    expect(button.textContent).toBe("Delete for everyone?");
    button.click();
    await settle();
    expect(mock.callsOf("retract_message")).toEqual([{ args: { id: 51 } }]);

    mock.emit("message-updated", ours({ peer: ANNA, id: 51, body: "", retracted: true }));
    await settle();
    const item = all("message")[0]!;
    expect(get("message-tombstone", "", item).textContent).toBe("Message removed");
    expect(q("message-body", "", item)).toBeNull();
    expect(q("message-edit", "", item)).toBeNull();
    // Nothing of ours is left to correct with Up.
    press(composer(), "ArrowUp");
    expect(composer().value).toBe("");
  });

  it("keeps the text and says why when a correction is refused", async () => {
    const { mock } = await openAnna((m) =>
      m.on("correct_message", () => {
        throw problem("notConnected");
      }),
    );
    mock.emit("messages-added", [ours({ peer: ANNA, id: 61, body: "draft" })]);
    await settle();
    press(composer(), "ArrowUp");
    composer().value = "final";
    press(composer(), "Enter");
    await settle();
    expect(composer().value).toBe("final");
    expect(get("composer-editing").hidden).toBe(false);
    expect(get("composer-error").hidden).toBe(false);
  });

  it("says it in Chinese", async () => {
    const { mock } = await openAnna();
    mock.emit("messages-added", [
      ours({ peer: ANNA, id: 71, body: "", retracted: true }),
      ours({ peer: ANNA, id: 72, body: "改好了", edited: 1_700_000_100_000 }),
    ]);
    await settle();
    choose(get<HTMLSelectElement>("language-select"), "zh-CN");
    await settle();
    expect(get("message-tombstone").textContent).toBe("消息已删除");
    expect(get("message-edited").textContent).toBe("（已编辑）");
    expect(get("message-edit").textContent).toBe("编辑");
  });

  it("says so when the earlier versions cannot be read", async () => {
    const { mock } = await openAnna((m) =>
      m.on("message_versions", () => {
        throw problem("storage");
      }),
    );
    mock.emit("messages-added", [ours({ peer: ANNA, id: 75, body: "fixed", edited: 1_700_000_100_000 })]);
    await settle();
    get("message-edited").click();
    await settle();
    expect(get("message-versions-error").textContent).toBe("The earlier versions could not be read.");
    expect(q("message-versions")).toBeNull();
  });
});

const ROOM = "team@conference.company.com";

/** In ROOM with bob and carol; `moderation`: the room lets moderators remove messages. */
async function inRoom(role: "moderator" | "participant", moderation: boolean) {
  const snapshot: RoomSnapshot = {
    room: ROOM, nick: "me", subject: null, moderation,
    occupants: [occ("me", { role }), occ("bob"), occ("carol")],
  };
  const booted = await bootOnline((m) => m.on("rooms", () => [snapshot]));
  get("tab", `[data-jid="${ROOM}"]`).click();
  await settle();
  const room = (id: number, partial: Parameters<typeof msg>[0]) =>
    msg({ kind: "groupchat", stanzaId: `S${id}`, id, ...partial });
  booted.mock.emit("messages-added", [
    room(201, { peer: ROOM, sender: "bob", body: "buy cheap watches" }),
    room(202, { peer: ROOM, sender: "me", direction: "out", state: "acked", originId: "o202", body: "mine" }),
    room(203, { peer: ROOM, sender: "carol", body: "not archived", stanzaId: null }),
  ]);
  await settle();
  return booted;
}

describe("moderation of room messages (XEP-0425)", () => {
  it("lets a moderator remove someone's message after a second click", async () => {
    const { mock } = await inRoom("moderator", true);
    const [bobs, mine, unarchived] = all("message");
    // Ours are deleted as ours; a message the room has no id for cannot be named to it.
    expect(q("message-moderate", "", mine)).toBeNull();
    expect(q("message-retract", "", mine)).not.toBeNull();
    expect(q("message-moderate", "", unarchived)).toBeNull();
    const remove = get("message-moderate", "", bobs);
    expect(remove.textContent).toBe("Remove");
    remove.click();
    expect(mock.callsOf("moderate_message")).toHaveLength(0);
    expect(remove.textContent).toBe("Remove for everyone?");
    remove.click();
    await settle();
    expect(mock.callsOf("moderate_message")).toEqual([{ args: { id: 201, reason: null } }]);
  });

  it("offers no removal to a participant", async () => {
    await inRoom("participant", true);
    expect(q("message-moderate")).toBeNull();
  });

  it("offers no removal where the room does not let moderators remove messages", async () => {
    await inRoom("moderator", false);
    expect(q("message-moderate")).toBeNull();
  });

  it("says why a removal failed, in the tab", async () => {
    const { mock } = await inRoom("moderator", true);
    mock.on("moderate_message", () => {
      throw problem("moderationNotOffered");
    });
    const remove = get<HTMLButtonElement>("message-moderate", "", all("message")[0]);
    remove.click();
    remove.click();
    await settle();
    expect(remove.disabled).toBe(false);
    expect(remove.textContent).toBe("Remove");
    expect(get("composer-error").textContent).toContain("This room does not let moderators remove messages.");
  });
});
