import { startApp, type App } from "../support/app";
import { startGoTrue, type GoTrueStandIn } from "../support/gotrue";
import { expect, test } from "./fixtures";

// With Supabase Auth configured, /login signs operators in with email and password
// (README "Operators"); a user who merely signed up is turned away; logging out ends
// the login. Its own server (embedded PGlite) and a GoTrue stand-in on 127.0.0.1.

let gotrue: GoTrueStandIn;
let app: App;

test.beforeAll(async () => {
  gotrue = await startGoTrue([
    { email: "ops@example.com", password: "operator-password", appMetadata: { role: "operator" } },
    { email: "signed-up@example.com", password: "stranger-password", appMetadata: {} },
  ]);
  app = await startApp({ ADMIN_TOKEN: "e2e-operator-login-admin-token-0123456789", NEXT_PUBLIC_SUPABASE_URL: gotrue.url, NEXT_PUBLIC_SUPABASE_ANON_KEY: gotrue.anonKey });
});
test.afterAll(async () => {
  await app?.stop();
  await gotrue?.close();
});

test("an operator signs in with email and password, a signed-up stranger does not, logout ends the login", async ({ page }) => {
  await page.goto(`${app.url}/dashboard`);
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);

  await page.getByTestId("login-email").fill("signed-up@example.com");
  await page.getByTestId("login-password").fill("stranger-password");
  await page.getByTestId("password-login-submit").click();
  await expect(page.getByTestId("password-login-error")).toHaveText("This account is not an operator.");
  await page.goto(`${app.url}/traces`);
  await expect(page).toHaveURL(/\/login\?next=%2Ftraces$/);

  await page.getByTestId("login-email").fill("ops@example.com");
  await page.getByTestId("login-password").fill("operator-password");
  await page.getByTestId("password-login-submit").click();
  await expect(page).toHaveURL(`${app.url}/traces`);

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${app.url}/traces`);
  await expect(page).toHaveURL(/\/login\?next=%2Ftraces$/);
});
