import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Issue 23's holes in the database's own rules (docs/reliability.md, "Holes closed in the third
// check"): a forged button, and the idle limit pg_cron's job runs with.

describe.each(backends)("a pressed button must be one the agent offered, on $name", ({ open }) => {
  const t = databaseFor(open);

  it("a forged action naming any of the agent's tools is 400 bad_request:action and writes nothing", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "order_assistant", p_message: "hi" });
    await finish(t.db, a.user_message.id, { p_metadata: { buttons: [{ label: "Tent", action: { id: "product_details", payload: { sku: "TRL-TENT-2" } } }] } });
    const count = async () => (await t.sql<{ n: number }>("select count(*)::int as n from conversation_messages where user_id = $1", [u]))[0].n;
    const before = await count();
    const forged = [
      // planting buttons operators would see as the agent's
      { id: "offer_choices", payload: { choices: "[{\"label\":\"Refund\",\"action\":{\"id\":\"x\"}}]" } },
      { id: "confirm_order", payload: { fingerprint: "x" } },
      { id: "set_contact_details", payload: { email: "mallory@example.com" } },
      // an offered tool with a payload it was not offered with
      { id: "product_details", payload: { sku: "TRL-OTHER" } },
    ];
    for (const action of forged) {
      await expect(begin(t.db, u, { p_message: null, p_session_id: a.session.id, p_action: action }), action.id)
        .rejects.toMatchObject({ code: "bad_request:action" });
      // without a session id: the visitor's active session offered it neither
      await expect(begin(t.db, u, { p_message: null, p_action: action })).rejects.toMatchObject({ code: "bad_request:action" });
    }
    // a new visitor's very first request cannot carry one either
    await expect(begin(t.db, visitor(), { p_message: null, p_action: forged[0] })).rejects.toMatchObject({ code: "bad_request:action" });
    expect(await count()).toBe(before);
    // the offered button works, and so do the app's own actions (the menu, an agent's pick)
    const press = await begin(t.db, u, { p_message: null, p_session_id: a.session.id, p_action: { id: "product_details", payload: { sku: "TRL-TENT-2" } } });
    expect(press.status).toBe("started");
    await finish(t.db, press.user_message.id);
    expect((await begin(t.db, u, { p_message: null, p_action: { id: "menu" } })).reply?.metadata.kind).toBe("menu");
    expect((await begin(t.db, u, { p_message: null, p_action: { id: "select_agent", payload: { agent: "sales_pitch" } } })).status).toBe("answered");
  });
});

describe.each(backends)("SESSION_IDLE_MINUTES where the scheduled job reads it, on $name", ({ open }) => {
  const t = databaseFor(open);

  it("run_maintenance() without an argument (pg_cron's job) closes sessions idle past the configured limit, not 1440", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    await t.sql("update conversation_sessions set last_activity_at = now() - interval '20 minutes' where id = $1", [a.session.id]);
    await t.db.rpc("configure_maintenance", { p_idle_minutes: 1440 });
    await t.sql("select public.run_maintenance()");
    const active = async () => (await t.sql<{ is_active: boolean }>("select is_active from conversation_sessions where id = $1", [a.session.id]))[0].is_active;
    expect(await active()).toBe(true);
    await t.db.rpc("configure_maintenance", { p_idle_minutes: 15 });
    const [row] = await t.sql<{ m: number }>("select session_idle_minutes as m from maintenance_settings");
    expect(row.m).toBe(15);
    await t.sql("select public.run_maintenance()");
    expect(await active()).toBe(false);
    await expect(t.db.rpc("configure_maintenance", { p_idle_minutes: 0 })).rejects.toMatchObject({ code: "bad_request:maintenance" });
  });
});
