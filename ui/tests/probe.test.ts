import { describe, expect, it } from "vitest";
import { MockBackend } from "../src/mockBackend";
import { startProbe } from "../src/probe";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("main-thread probe (benchmarks only)", () => {
  it("does nothing unless the backend asks for it", async () => {
    const mock = new MockBackend();
    const stop = await startProbe(mock);
    await wait(50);
    stop();
    expect(mock.callsOf("ui_probe_report")).toEqual([]);
  });

  it("reports a stall of the main thread", async () => {
    const mock = new MockBackend();
    mock.on("ui_probe_interval", () => 150);
    const stop = await startProbe(mock);
    await wait(20);
    const until = performance.now() + 100;
    while (performance.now() < until) {
      // the page is busy: no timer can run
    }
    await wait(200);
    stop();
    const reports = mock.callsOf("ui_probe_report").map((c) => c.report);
    expect(reports.length).toBeGreaterThan(0);
    expect(Math.max(...reports.map((r) => r.maxStallMs))).toBeGreaterThanOrEqual(60);
    expect(reports[0]!.windowMs).toBe(150);
  });
});
