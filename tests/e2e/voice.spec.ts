import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startApp, type App } from "../support/app";
import { startAudioServer, type AudioServer } from "../support/audio-server";
import { expect, migratedDatabaseUrl, test } from "./fixtures";
import { ChatWidget } from "./pages/chat-widget";

// The hold-to-record microphone in Chromium with its fake media stream (a test tone) against
// `next start` and a stand-in for the OpenAI audio endpoints (docs/channels.md, "Voice").

test.use({
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
  },
  permissions: ["microphone"],
});

let app: App;
let audio: AudioServer;
let db: pg.Pool;

test.beforeAll(async () => {
  const url = await migratedDatabaseUrl("e2e_voice");
  audio = await startAudioServer();
  audio.transcript = "do you have a waterproof headlamp";
  db = new pg.Pool({ connectionString: url, max: 1 });
  app = await startApp({
    DATABASE_URL: url,
    STT_BASE_URL: audio.baseURL,
    STT_MODEL: "whisper-1",
    AUDIO_DIR: mkdtempSync(path.join(os.tmpdir(), "threadline-e2e-audio-")),
  });
});
test.afterAll(async () => {
  await app?.stop();
  await audio?.close();
  await db?.end();
});

test("hold the microphone, speak, release: the transcript is the visitor's message, stored with its audio", async ({ page }) => {
  const chat = await ChatWidget.withAgent(page, "product_recommendation", app.url);
  const agentReplies = await chat.agentMessages.count();
  const mic = page.getByTestId("chat-mic");
  await expect(mic).toBeVisible();
  await mic.hover();
  await page.mouse.down();
  await expect(mic).toHaveAttribute("aria-pressed", "true");
  // record a little of the fake tone, then release
  await page.waitForTimeout(1200);
  await page.mouse.up();
  await expect(chat.userMessages.last()).toContainText("do you have a waterproof headlamp");
  await expect(chat.agentMessages).toHaveCount(agentReplies + 1);
  await expect(chat.agentMessages.last()).toHaveAttribute("data-status", "done");
  expect(audio.transcriptions.at(-1)).toMatchObject({ model: "whisper-1", fileType: "audio/webm" });
  expect(audio.transcriptions.at(-1)!.fileSize).toBeGreaterThan(0);
  const rows = (await db.query("select content, audio_url from conversation_messages where role = 'user' and audio_url is not null")).rows;
  expect(rows).toEqual([{ content: "do you have a waterproof headlamp", audio_url: expect.stringMatching(/^\/api\/audio\/.+\.webm$/) }]);
  const file = await page.request.get(app.url + rows[0].audio_url);
  expect(file.status()).toBe(200);
});

test("no speech service: the microphone is hidden", async ({ page }) => {
  const chat = new ChatWidget(page);
  await chat.goto();
  await chat.open();
  await expect(chat.input).toBeVisible();
  await expect(page.getByTestId("chat-mic")).toHaveCount(0);
});
