import { describe, expect, it } from "vitest";
import type { ConsoleEntry } from "../src/bindings";
import { prettyXml } from "../src/views/xmlConsole";
import { all, bootOnline, get, problem, settle, typeInto } from "./helpers";

const entry = (direction: "in" | "out", xml: string): ConsoleEntry => ({ direction, timestamp: 1_700_000_000_000, xml });

describe("XML console", () => {
  it("opens recording, shows traffic as text, filters and pauses", async () => {
    const { mock } = await bootOnline();
    get("console-toggle").click();
    await settle();
    expect(mock.callsOf("set_console_open")).toEqual([{ open: true }]);
    expect(get("console-panel").hidden).toBe(false);

    mock.emit("xml-console", [entry("out", "<presence/>"), entry("in", "<message><body><b>hi</b></body></message>")]);
    await settle();
    expect(all("console-entry").map((e) => e.dataset.direction)).toEqual(["out", "in"]);
    expect(all("console-entry")[1]!.querySelector("pre")!.textContent).toBe("<message><body><b>hi</b></body></message>");
    expect(get("console-list").querySelector("b")).toBeNull(); // text, never markup

    typeInto(get<HTMLInputElement>("console-filter"), "presence");
    await settle();
    expect(all("console-entry")).toHaveLength(1);
    typeInto(get<HTMLInputElement>("console-filter"), "");

    const pause = get<HTMLInputElement>("console-pause");
    pause.click();
    mock.emit("xml-console", [entry("in", "<iq type='result'/>")]);
    await settle();
    expect(all("console-entry")).toHaveLength(2);
    pause.click();
    await settle();
    expect(all("console-entry")).toHaveLength(3);

    get("console-toggle").click();
    await settle();
    expect(mock.callsOf("set_console_open").at(-1)).toEqual({ open: false });
  });

  it("sends raw XML and shows why the backend refused it", async () => {
    const { mock } = await bootOnline((m) =>
      m.on("send_raw", () => {
        throw problem("invalidXml", { detail: "unexpected end of input" });
      }),
    );
    get("console-toggle").click();
    typeInto(get<HTMLTextAreaElement>("console-input"), "<message><body>unclosed");
    get("console-send").click();
    await settle();
    expect(mock.callsOf("send_raw")).toEqual([{ args: { xml: "<message><body>unclosed" } }]);
    expect(get("console-error").hidden).toBe(false);
    expect(get("console-error").textContent).toContain("not well-formed");
  });

  it("indents XML for reading", () => {
    expect(prettyXml("<a><b>x</b><c/></a>")).toBe("<a>\n  <b>\n    x\n  </b>\n  <c/>\n</a>");
  });
});
