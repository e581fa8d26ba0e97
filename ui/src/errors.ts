import type { CertificateFault, ErrorCode, InputField, Problem } from "./bindings";
import { el } from "./dom";
import { isKey, t, type Key } from "./i18n";

// Every code has its sentence: this fails to compile when the core gains a
// code the dictionaries lack.
const everyCodeHasASentence: `error.${ErrorCode}` extends Key ? true : never = true;
void everyCodeHasASentence;

/** The sentence for a field the core found invalid (the UI checks the same rules first). */
const FIELD_KEYS: Record<InputField, Key> = {
  host: "validation.host",
  port: "validation.port",
  resource: "validation.resource",
  timeout: "validation.timeout",
  historyDays: "validation.historyDays",
  historyMessages: "validation.historyMessages",
  saslNone: "validation.saslNone",
  saslInsecure: "validation.saslInsecure",
  proxyHost: "validation.proxyHost",
  proxyPort: "validation.proxyPort",
  password: "validation.password",
  newPassword: "error.invalidInput.newPassword",
  nick: "validation.nick",
  message: "error.invalidInput.message",
  room: "error.invalidInput.room",
};

/** SASL failure conditions (RFC 6120 §6.5). */
export const SASL_CONDITIONS = [
  "aborted", "account-disabled", "credentials-expired", "encryption-required", "incorrect-encoding",
  "invalid-authzid", "invalid-mechanism", "malformed-request", "mechanism-too-weak", "not-authorized",
  "temporary-auth-failure",
] as const;

/** Stream error conditions (RFC 6120 §4.9.3). */
export const STREAM_CONDITIONS = [
  "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone", "host-unknown",
  "improper-addressing", "internal-server-error", "invalid-from", "invalid-namespace", "invalid-xml",
  "not-authorized", "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
  "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
  "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type", "unsupported-version",
] as const;

/** Stanza error conditions (RFC 6120 §8.3.3). */
export const STANZA_CONDITIONS = [
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone", "internal-server-error",
  "item-not-found", "jid-malformed", "not-acceptable", "not-allowed", "not-authorized", "policy-violation",
  "recipient-unavailable", "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable", "subscription-required",
  "undefined-condition", "unexpected-request",
] as const;

export const CERTIFICATE_FAULTS: readonly CertificateFault[] = ["unknown-issuer", "expired", "not-valid-yet", "wrong-name", "revoked", "other"];

/** The conditions the core may send with each code. */
export const CONDITIONS: Partial<Record<ErrorCode, readonly string[]>> = {
  authFailed: ["not-authorized"],
  loginRefused: SASL_CONDITIONS,
  certificateUntrusted: CERTIFICATE_FAULTS,
  streamError: STREAM_CONDITIONS,
  remoteError: STANZA_CONDITIONS,
  roomJoinRefused: STANZA_CONDITIONS,
  registrationRefused: STANZA_CONDITIONS,
};

export const INPUT_FIELDS = Object.keys(FIELD_KEYS) as InputField[];

/** A problem with only a code (and perhaps a detail). */
export function problemOf(code: ErrorCode, detail: string | null = null): Problem {
  return { code, condition: null, serverText: null, field: null, detail, limit: null };
}

/** Which key says it: the code's sentence for its condition (or field), else the code's own. */
function sentenceKey(p: Problem): Key {
  if (p.code === "invalidInput" && p.field !== null) return FIELD_KEYS[p.field];
  if (p.code === "invalidXml" && p.limit !== null) return "error.invalidXml.tooDeep";
  const specific = `error.${p.code}.${p.condition ?? ""}`;
  return isKey(specific) ? specific : `error.${p.code}`;
}

/**
 * A refusal whose condition has no sentence of its own in that context
 * (a room refusing with `resource-constraint`) also says what the
 * condition means.
 */
function conditionKey(p: Problem, chosen: Key): Key | null {
  const refusal = p.code === "roomJoinRefused" || p.code === "registrationRefused";
  if (!refusal || p.condition === null || chosen !== `error.${p.code}`) return null;
  const generic = `error.remoteError.${p.condition}`;
  return isKey(generic) ? generic : null;
}

/** The translated sentence for a problem, in the current language. */
export function problemText(p: Problem): string {
  const key = sentenceKey(p);
  const params = { detail: p.detail ?? "", limit: p.limit ?? "" };
  const extra = conditionKey(p, key);
  return extra === null ? t(key, params) : `${t(key, params)} ${t(extra)}`;
}

/** Compared without case, spaces and punctuation: "said twice" means the same words. */
function same(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[\s\p{P}]+/gu, "");
  return norm(a) === norm(b);
}

/**
 * What comes after the sentence, each at most once: the other side's own
 * words (quoted), and a technical detail the sentence did not already use.
 */
function detailNodes(p: Problem, sentence: string): Node[] {
  const nodes: Node[] = [];
  const said = p.serverText?.trim() ?? "";
  if (said !== "" && !same(said, sentence)) {
    nodes.push(document.createTextNode(" "), el("span", { class: "problem-server-text", "data-testid": "problem-server-text" }, t("error.serverSaid", { text: said })));
  }
  const detail = p.detail?.trim() ?? "";
  if (detail !== "" && !sentence.includes(detail) && !same(detail, said)) {
    nodes.push(document.createTextNode(" "), el("span", { class: "problem-detail" }, t("error.detail", { detail })));
  }
  return nodes;
}

/** The translated sentence, then the server's words and details (all as text). */
export function problemNodes(p: Problem): Node[] {
  const sentence = problemText(p);
  return [el("span", { class: "problem-text" }, sentence), ...detailNodes(p, sentence)];
}

/** "What failed." then why, as text. */
export function refusalNodes(lead: string, p: Problem): Node[] {
  const why = problemText(p);
  return [el("span", { class: "problem-text" }, lead), document.createTextNode(" "), el("span", { class: "problem-reason" }, why), ...detailNodes(p, why)];
}

/** The whole reason as one string (for places that show plain text). */
export function problemString(p: Problem): string {
  return problemNodes(p).map((n) => n.textContent ?? "").join("");
}
