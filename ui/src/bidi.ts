// Names, nicknames and links come from other people. The Unicode
// directional overrides (U+202D LRO, U+202E RLO) force the characters
// after them into a direction, so "\u202Eevil.exe" reads as "exe.live":
// shown without them, remote text reads as what it is. (Embeddings and
// isolates do not reverse strong letters and are left; the elements that
// show such text isolate it, so it cannot reorder what stands beside it.)

const OVERRIDES = /[\u202D\u202E]/gu;

/** `text` without directional overrides, for showing a remote name or address. */
export function shown(text: string): string {
  return text.replace(OVERRIDES, "");
}
