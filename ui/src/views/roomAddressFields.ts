// The room address and nickname fields of the forms that enter a room by
// its address ("join room", "create room": creating is joining a room that
// does not exist yet), with their check and the nickname they start with.
import type { ConnectionStore } from "../state/connection";
import { tattr, type Key } from "../i18n";
import { isBareJid, localPart } from "../jid";
import { field, input, PLAIN_TEXT, type ErrorLine } from "./formFields";

export interface RoomAddressContext {
  readonly connection: ConnectionStore;
}

/** Our default nickname: the local part of our own address. */
function defaultNick(ctx: RoomAddressContext): string {
  return localPart(ctx.connection.ownJid);
}

export interface RoomAddressOptions {
  /** Test ids (and so element ids) of the two inputs. */
  readonly addressId: string;
  readonly nickId: string;
  readonly addressLabel: Key;
  /** `uniqueInput` for a form that may exist several times. */
  readonly makeInput?: typeof input;
}

export interface RoomAddressFields {
  readonly address: HTMLInputElement;
  readonly nick: HTMLInputElement;
  /** The labelled address field then the nickname field, for the form. */
  readonly nodes: readonly HTMLElement[];
  /** On opening the form: our default nickname unless one is typed, and the focus on the address. */
  prepare(): void;
  /**
   * The trimmed address and nickname; or null once `error` shows which of
   * them is not valid and the focus is on it.
   */
  read(error: ErrorLine): { room: string; nick: string } | null;
}

export function createRoomAddressFields(ctx: RoomAddressContext, options: RoomAddressOptions): RoomAddressFields {
  const makeInput = options.makeInput ?? input;
  const address = makeInput(options.addressId, { ...PLAIN_TEXT, ...tattr("placeholder", "joinRoom.addressPlaceholder") });
  const nick = makeInput(options.nickId, PLAIN_TEXT);
  return {
    address,
    nick,
    nodes: [field(options.addressLabel, address), field("joinRoom.nick", nick)],
    prepare() {
      if (nick.value.trim() === "") nick.value = defaultNick(ctx);
      address.focus();
    },
    read(error) {
      const room = address.value.trim();
      const nickValue = nick.value.trim();
      const problem = !isBareJid(room)
        ? { key: "validation.room" as const, invalid: address }
        : nickValue === ""
          ? { key: "validation.nick" as const, invalid: nick }
          : null;
      error.show(problem);
      if (problem !== null) {
        problem.invalid.focus();
        return null;
      }
      return { room, nick: nickValue };
    },
  };
}
