import { describe, expect, it } from "vitest";
import { bootOnline, get, settle, typeInto } from "./helpers";

describe("change password", () => {
  it("checks the repetition, then sends the new password once and clears the fields", async () => {
    const { mock } = await bootOnline();
    typeInto(get<HTMLInputElement>("password-new"), "n3w-pass");
    typeInto(get<HTMLInputElement>("password-repeat"), "typo");
    get("password-submit").click();
    await settle();
    expect(get("password-status").textContent).toBe("The two passwords are not the same.");
    expect(mock.callsOf("change_password")).toHaveLength(0);

    typeInto(get<HTMLInputElement>("password-new"), "n3w-pass");
    typeInto(get<HTMLInputElement>("password-repeat"), "n3w-pass");
    get("password-submit").click();
    await settle();
    expect(mock.callsOf("change_password")).toEqual([{ args: { newPassword: "n3w-pass" } }]);
    expect(get<HTMLInputElement>("password-new").value).toBe("");
    expect(get("password-status").textContent).toBe("Your password was changed.");
  });
});
