// Tab completes a nickname in a room's composer, as IRC clients and Gajim
// do: the word before the cursor is the start of an occupant's nick; at
// the start of the message the nick is followed by ": " (addressing), in
// the middle by a space. Tab again offers the next nick that fits.

/** What the last completion put in, so that Tab again can replace it. */
export interface Completion {
  /** Where the completed word starts. */
  readonly start: number;
  /** What the user had typed of it. */
  readonly typed: string;
  /** The nicks that fit, in order, and which one is in the text. */
  readonly matches: readonly string[];
  readonly index: number;
  /** The text now between `start` and the cursor. */
  readonly inserted: string;
}

export interface Completed {
  readonly text: string;
  readonly caret: number;
  readonly completion: Completion;
}

const fold = (s: string): string => s.toLocaleLowerCase();

/**
 * Completes at `caret` in `text` from `nicks`, continuing `previous` when
 * the text still ends with what it inserted there. Null when nothing fits
 * (the Tab key then does what it does elsewhere).
 */
export function completeNick(text: string, caret: number, nicks: readonly string[], previous: Completion | null): Completed | null {
  const before = text.slice(0, caret);
  let start: number;
  let typed: string;
  let matches: readonly string[];
  let index: number;
  if (previous && before.endsWith(previous.inserted) && before.length - previous.inserted.length === previous.start) {
    ({ start, typed, matches } = previous);
    index = (previous.index + 1) % matches.length;
  } else {
    start = Math.max(before.lastIndexOf(" "), before.lastIndexOf("\n"), before.lastIndexOf("\t")) + 1;
    typed = before.slice(start);
    if (typed === "") return null;
    matches = nicks.filter((n) => fold(n).startsWith(fold(typed))).sort((a, b) => fold(a).localeCompare(fold(b)));
    if (matches.length === 0) return null;
    index = 0;
  }
  const atStart = before.slice(0, start).trim() === "";
  const inserted = matches[index]! + (atStart ? ": " : " ");
  const after = text.slice(caret);
  return {
    text: text.slice(0, start) + inserted + after,
    caret: start + inserted.length,
    completion: { start, typed, matches, index, inserted },
  };
}
