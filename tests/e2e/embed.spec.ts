import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// Another site embeds the widget with one <script> tag; it runs in an isolated iframe.
test("a host page on another origin embeds the widget with one script tag", async ({ page, baseURL }) => {
  const host = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><html><body><h1>Partner shop</h1><script src="${baseURL}/embed.js" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  try {
    const hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
    const chat = ChatWidget.inEmbed(page);
    await chat.goto(hostUrl);
    await chat.launcher.click();
    await expect(chat.panel).toBeVisible();
    await chat.chooseAgent("sales_pitch");
    expect(await chat.waitForReply()).toContain("Sales Pitch");
    // the widget's document is the app's, not the host's
    const frameSrc = await page.getByTestId("threadline-frame").getAttribute("src");
    expect(new URL(frameSrc!).origin).toBe(new URL(baseURL!).origin);
    const response = await page.request.get(`${baseURL}/embed`);
    expect(response.headers()["content-security-policy"]).toContain("frame-ancestors *");
    expect((await page.request.get(`${baseURL}/`)).headers()["content-security-policy"]).toContain("frame-ancestors 'self'");
    await page.screenshot({ path: "test-results/screenshots/widget-embedded.png" });
  } finally {
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
  }
});
