import { describe, expect, it } from "vitest";
import { forgetVisitorCookie, newVisitorId, signVisitor, verifyVisitor, visitorCookie, visitorSetCookie } from "@/lib/http/visitor-cookie";

// The visitor cookie (lib/http/visitor-cookie.ts): only a value this server signed names a visitor.

const secret = "s".repeat(43);
const id = "0b5a4c36-3d44-4a40-9f8e-6f0d2a1c9b77";

describe("verifyVisitor", () => {
  it("a value signed with the secret names its visitor", () => {
    expect(verifyVisitor(signVisitor(id, secret), secret)).toBe(id);
    const fresh = newVisitorId();
    expect(verifyVisitor(signVisitor(fresh, secret), secret)).toBe(fresh);
  });

  it("another secret (a rotated SESSION_SECRET, another deployment) does not verify", () => {
    expect(verifyVisitor(signVisitor(id, secret), "t".repeat(43))).toBeNull();
  });

  it("a tampered id or signature does not verify", () => {
    const value = signVisitor(id, secret);
    const otherId = "1b5a4c36-3d44-4a40-9f8e-6f0d2a1c9b77";
    expect(verifyVisitor(`${otherId}${value.slice(36)}`, secret)).toBeNull(); // someone else's id, my signature
    const sig = value.slice(37);
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect(verifyVisitor(`${id}.${flipped}`, secret)).toBeNull();
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["no signature", id],
    ["a short signature", `${id}.abc`],
    ["too long", `${id}.${"a".repeat(200)}`],
    ["not an id", `' or 1=1 --.${"a".repeat(43)}`],
  ])("%s → no visitor", (_what, value) => {
    expect(verifyVisitor(value, secret)).toBeNull();
  });
});

describe("the Set-Cookie values", () => {
  it("over http: SameSite=Lax, httpOnly, a year", () => {
    const cookie = visitorSetCookie(new Request("http://localhost/api/chat"), id, secret);
    expect(cookie).toBe(`${visitorCookie}=${signVisitor(id, secret)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`);
  });

  it("over https: a partitioned third-party cookie, and forgetting it uses the same attributes", () => {
    const request = new Request("https://shop.example/api/chat");
    expect(visitorSetCookie(request, id, secret)).toContain("; HttpOnly; SameSite=None; Secure; Partitioned; Max-Age=31536000");
    expect(forgetVisitorCookie(request)).toBe(`${visitorCookie}=; Path=/; HttpOnly; SameSite=None; Secure; Partitioned; Max-Age=0`);
    expect(forgetVisitorCookie(new Request("http://localhost/"))).toBe(`${visitorCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  });
});
