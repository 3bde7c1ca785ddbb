// The UI in a real browser: Debian's Chromium, headless, driven by playwright-core, against a
// `canopy serve` this test starts on a free port with a fresh database. Run by CTest (label
// `browser`): node tests/browser/ui_test.mjs CANOPY_BINARY. Writes screenshots to
// docs/screenshots/. Exits non-zero on the first failed check.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// The packages come from the UI's own npm install (web/node_modules).
const require = createRequire(join(root, "web", "package.json"));
const { chromium } = require("playwright-core");
const { AxeBuilder } = require("@axe-core/playwright");

const canopy = resolve(process.argv[2] ?? join(root, "build/src/main/canopy"));
const chromiumPath = process.env.CANOPY_CHROMIUM ?? "/usr/bin/chromium";
const password = "browser-test-password";
const users = {
  admin: "amir.admin@oakfield-primary.example", // school admin, Oakfield Primary
  trust: "dana.central@oakfield.example", // trust central team
  teacher: "tom.ashworth@hazelwood-primary.example",
  office: "joanne.hughes@oakfield-primary.example",
};
const school = "oakfield-primary";
const shots = join(root, "docs", "screenshots");

const work = mkdtempSync(join(tmpdir(), "canopy-browser-"));
const env = { ...process.env, CANOPY_DB: join(work, "canopy.db"), CANOPY_SERVICE_TOKEN: "browser-test-token" };

function run(args, input) {
  const r = spawnSync(canopy, args, { cwd: root, env, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`canopy ${args.join(" ")}: ${r.stderr}`);
}

// Starts canopy serve on a free port; resolves with its URL once it prints it.
function serve() {
  const child = spawn(
    canopy,
    ["serve", "--listen", "127.0.0.1:0", "--password-cost", "minimum", "--no-access-log"],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  return new Promise((resolveUrl, reject) => {
    child.stdout.on("data", (d) => {
      const m = /canopy listening on (http:\/\/[0-9.:]+)/.exec(String(d));
      if (m) resolveUrl({ child, url: m[1], log: () => log });
    });
    child.on("exit", (code) => reject(new Error(`canopy serve exited (${code}): ${log}`)));
  });
}

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

// Every page: no console error, no uncaught exception, no CSP violation.
function watch(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

async function axe(page, where) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help}`),
    [],
    `accessibility violations on ${where}`,
  );
}

async function signIn(page, url, email, pass = password) {
  await page.goto(url + "/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// What the API says the school's apps are, asked with the page's own session.
async function apiApps(page) {
  return page.evaluate(async (s) => {
    const r = await fetch(`/api/v1/schools/${s}/apps`, { credentials: "same-origin" });
    return (await r.json()).items;
  }, school);
}

check("wrong password, then right; the pending list is the API's; sign out", async (page, url) => {
  await signIn(page, url, users.admin, "not-the-password");
  await page.getByRole("alert").filter({ hasText: "That email or password is not right." }).waitFor();
  await axe(page, "sign-in");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  assert.match(page.url(), /#\/schools\/oakfield-primary\/pending$/);

  const apps = await apiApps(page);
  for (const [status, label] of [
    ["pending", "Pending requests"],
    ["approved", "Approved apps"],
    ["rejected", "Rejected apps"],
  ]) {
    const link = page.getByRole("link", { name: new RegExp(`^${label}`) });
    await link.click();
    await page.getByRole("heading", { name: label }).waitFor();
    const expected = apps.filter((a) => a.status === status).map((a) => a.name).sort();
    assert.ok(expected.length > 0, `the demo school has ${status} apps`);
    assert.equal(await link.locator(".count").innerText(), String(expected.length));
    const shown = (await page.locator("tbody tr td:first-child").allInnerTexts()).sort();
    assert.deepEqual(shown, expected, `${label} lists what the API lists`);
    await axe(page, label);
    if (status === "pending") {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, "school-pending.png") });
    }
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to manage partner apps" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to manage partner apps" }).waitFor();
});

check("a teacher and an office user see the refusal page", async (page, url) => {
  for (const who of [users.teacher, users.office]) {
    await signIn(page, url, who);
    await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
    await axe(page, "the refusal page");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to manage partner apps" }).waitFor();
  }
});

check("a school admin cannot reach another school by editing the URL", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.goto(`${url}/#/schools/hazelwood-primary/pending`);
  await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
  assert.equal(await page.locator("tbody tr").count(), 0);
});

check("an expired session returns to sign-in, then to where the user was", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  // The session ends behind the page's back (as when it expires).
  await page.evaluate(() =>
    fetch("/api/v1/session", {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": "" },
    }),
  );
  await page.context().clearCookies();
  await page.goto(`${url}/#/schools/${school}/approved`);
  await page.getByRole("heading", { name: "Sign in to manage partner apps" }).waitFor();
  await page.getByLabel("Email").fill(users.admin);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Approved apps" }).waitFor();
});

check("a trust's central team sees its schools and goes into one", async (page, url) => {
  await signIn(page, url, users.trust);
  await page.getByRole("heading", { name: "Schools of the trust" }).waitFor();
  await axe(page, "the trust home");
  await page.screenshot({ path: join(shots, "trust-home.png") });
  await page.getByRole("link", { name: "Oakfield Primary" }).click();
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
});

check("the page is usable at 390 x 844", async (page, url) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await axe(page, "the pending list, narrow");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
  assert.equal(overflow, false, "nothing runs off the side");
});

let server;
let browser;
let failed = 0;
try {
  run(["tenants", "import", "tenants"]);
  for (const email of Object.values(users))
    run(["users", "set-password", email, "--cost", "minimum"], `${password}\n`);
  server = await serve();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  for (const { name, fn } of checks) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watch(page);
    try {
      await fn(page, server.url);
      // The refusals the screens handle (401 after sign-out, 403 and 404 on purpose) are
      // logged by Chromium as failed loads: those are expected; anything else is not.
      const unexpected = problems.filter((p) => !/status of (401|403|404)/.test(p));
      assert.deepEqual(unexpected, [], "console errors, page errors or CSP violations");
      console.log(`ok - ${name}`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${name}\n  ${String(e.stack ?? e).replace(/\n/g, "\n  ")}`);
    } finally {
      await context.close();
    }
  }
} catch (e) {
  failed++;
  console.log(`not ok - setup\n  ${e.stack ?? e}`);
} finally {
  await browser?.close();
  server?.child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
console.log(failed ? `${failed} check(s) failed` : `all ${checks.length} checks passed`);
process.exit(failed ? 1 : 0);
