/** Forms of a message that counts something, by `Intl.PluralRules` category. */
export type Plural = { readonly zero?: string; readonly one?: string; readonly two?: string; readonly few?: string; readonly many?: string; readonly other: string };

/** A dictionary entry: one text, or plural forms chosen by `{count}`. */
export type Entry = string | Plural;

const rules = new Map<string, Intl.PluralRules>();

/** The form of `entry` for `count` in `lang` (`other` when the language has no such form). */
export function pick(entry: Entry, lang: string, count: number | undefined): string {
  if (typeof entry === "string") return entry;
  if (count === undefined) return entry.other;
  let r = rules.get(lang);
  if (!r) rules.set(lang, (r = new Intl.PluralRules(lang)));
  return entry[r.select(count)] ?? entry.other;
}
