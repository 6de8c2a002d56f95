import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// The widget's "Delete my chat history" (docs/privacy.md, "A visitor's data"): asks
// first, erases through DELETE /api/visitor, and the widget starts fresh.

type Sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** Rows of any public table whose text (every column, jsonb included) contains the needle. */
async function rowsMentioning(sql: Sql, needle: string): Promise<string[]> {
  const tables = await sql<{ name: string }>(
    "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition",
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const [row] = await sql<{ n: number }>(`select count(*)::int as n from public."${name}" t where t::text like $1`, [`%${needle}%`]);
    if (row.n > 0) found.push(`${name}: ${row.n}`);
  }
  return found;
}

for (const view of [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "375 px", viewport: { width: 375, height: 740 } },
]) {
  test.describe(view.name, () => {
    test.use({ viewport: view.viewport });

    test("a visitor deletes their chat history after confirming; it is gone after a reload and from the database", async ({ page, context, sql }) => {
      const marker = `zq${randomUUID().slice(0, 8)}`;
      const chat = await ChatWidget.withAgent(page, "order_assistant");
      await chat.sendAndWait(`please mail ${marker}@example.com about 20 tents`);
      const sessionId = await chat.storedSessionId();
      expect(sessionId).not.toBeNull();
      expect(await rowsMentioning(sql, marker)).not.toEqual([]);

      // the first press only asks
      const erase = chat.panel.getByTestId("delete-history");
      // it waits in the ⋯ settings menu
      await expect(erase).toBeHidden();
      await chat.openSettings();
      await expect(erase).toBeVisible();
      await erase.click();
      const dialog = chat.panel.getByRole("alertdialog", { name: "Delete chat history" });
      await expect(dialog).toBeVisible();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
      expect(await rowsMentioning(sql, marker)).not.toEqual([]);

      await erase.click();
      await page.screenshot({ path: `test-results/screenshots/widget-delete-history-${view.viewport.width}.png` });
      await chat.panel.getByTestId("delete-history-confirm").click();
      // the widget starts fresh: no messages, no session, and the server dropped the visitor cookie
      await expect(chat.messages).toHaveCount(0);
      await expect(chat.agentMenu).toBeVisible();
      expect(await chat.storedSessionId()).toBeNull();
      expect((await context.cookies()).map((c) => c.name)).not.toContain("tl_visitor");
      expect(await rowsMentioning(sql, marker)).toEqual([]);
      expect(await sql("select user_id from conversation_sessions where id = $1", [sessionId])).toEqual([{ user_id: expect.stringMatching(/^erased_/) }]);

      await page.reload();
      await chat.open();
      await expect(chat.messages).toHaveCount(0);
      await expect(chat.agentMenu).toBeVisible();
      await expect(chat.panel.getByText(marker)).toHaveCount(0);
    });
  });
}
