/**
 * Message timestamps are epoch milliseconds; a value that can only be seconds
 * (before 1973 as milliseconds) is treated as seconds, to be lenient.
 */
export function toDate(timestamp: number): Date {
  return new Date(timestamp < 1e11 ? timestamp * 1000 : timestamp);
}

/** Local HH:MM. */
export function formatClock(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Full local date and time in the UI language. */
export function formatFull(date: Date, lang: string): string {
  try {
    return date.toLocaleString(lang, { dateStyle: "full", timeStyle: "medium" });
  } catch {
    return date.toString();
  }
}
