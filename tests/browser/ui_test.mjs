// The UI in a real browser: Debian's Chromium, headless, driven by playwright-core, against a
// `canopy serve` this test starts on a free port with a fresh database. Run by CTest (label
// `browser`): node tests/browser/ui_test.mjs CANOPY_BINARY. Writes screenshots to
// docs/screenshots/. Exits non-zero on the first failed check.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
const partnerSecret = "browser-test-partner-secret";
const users = {
  admin: "amir.admin@oakfield-primary.example", // school admin, Oakfield Primary
  trust: "dana.central@oakfield.example", // trust central team
  teacher: "tom.ashworth@hazelwood-primary.example",
  office: "joanne.hughes@oakfield-primary.example",
  dummySite: "helen.marsh@millbrook-academy.example", // school admin, Millbrook (a dummy site)
  reporting: "rhys.morgan@oakfield.example", // trust user without the trust's admin permission
  twoStep: "omar.haddad@riverside-academy.example", // school admin who signs in with 2SV
  standalone: "fiona.campbell@riverside-academy.example", // school admin, Riverside
};
const school = "oakfield-primary";
const shots = join(root, "docs", "screenshots");

const work = mkdtempSync(join(tmpdir(), "canopy-browser-"));
const serviceToken = "browser-test-token-0123456789abcdef";
const env = { ...process.env, CANOPY_DB: join(work, "canopy.db"), CANOPY_SERVICE_TOKEN: serviceToken };

function run(args, input, runEnv = env) {
  const r = spawnSync(canopy, args, { cwd: root, env: runEnv, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`canopy ${args.join(" ")}: ${r.stderr}`);
}

// Starts canopy serve on a free port; resolves with its URL once it prints it.
function serve(args = [], serveEnv = env) {
  const child = spawn(
    canopy,
    ["serve", "--listen", "127.0.0.1:0", "--password-cost", "minimum", "--no-access-log", ...args],
    { cwd: root, env: serveEnv, stdio: ["ignore", "pipe", "pipe"] },
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
// `expected`: the console errors the check causes on purpose (Chromium logs every failed load).
function check(name, fn, expected = []) {
  checks.push({ name, fn, expected });
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
  // The tab has Canopy's icon: the page names it and it loads (no /favicon.ico 404).
  const icon = await page.locator('link[rel="icon"]').getAttribute("href");
  assert.equal((await page.request.get(new URL(icon, url).href)).status(), 200, icon);
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

// The gateway's question about one app at the demo school (the test's own service token).
async function allows(page, url, app, dataType, operation, at = school) {
  const r = await page.request.get(
    `${url}/internal/v1/decisions?app=${app}&school=${at}&data_type=${dataType}&operation=${operation}`,
    { headers: { Authorization: `Bearer ${serviceToken}` } },
  );
  assert.equal(r.status(), 200);
  return (await r.json()).allow;
}

// Opens the slide-over of `name` from the list on screen; returns the dialog.
async function open(page, name) {
  await page.getByRole("button", { name, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name, level: 2 }).waitFor();
  return dialog;
}

// The slide-over's permission table: per data type, the four marks and the fields.
async function shownTable(dialog) {
  return dialog.locator("table.permissions tbody tr").evaluateAll((rows) =>
    rows.map((tr) => ({
      data_type: tr.querySelector("th .data-type").textContent,
      purpose: tr.querySelector("th .purpose")?.textContent ?? "",
      marks: [...tr.querySelectorAll("td span[role=img]")].map((m) => m.getAttribute("aria-label")),
      fields: tr.querySelector("td.fields").textContent,
    })),
  );
}

check("slide-over: the API's table; approve, revoke, re-approve; cancel changes nothing; CSV", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  let dialog = await open(page, "ParentPay");
  await axe(page, "the slide-over");
  await page.screenshot({ path: join(shots, "slide-over.png") });

  // The ticks and crosses are the API's permission table.
  const api = await page.evaluate(
    async (s) => (await (await fetch(`/api/v1/schools/${s}/apps/parentpay`)).json()).permissions,
    school,
  );
  const expected = api.map((g) => ({
    data_type: g.data_type,
    purpose: g.purpose,
    marks: ["read", "write", "update", "delete"].map((op) => `${op}: ${g[op] ? "yes" : "no"}`),
    fields: g.fields === "all" ? "all fields" : g.fields.join(", "),
  }));
  assert.deepEqual(await shownTable(dialog), expected);

  // Download list: the CSV's rows are the table's, field by field.
  const download = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download list" }).click();
  const csv = readFileSync(await (await download).path(), "utf8").trim().split(/\r?\n/).slice(1);
  assert.ok(csv.length > 0);
  for (const line of csv) {
    const [, , dataType, field, ...ops] = line.split(",");
    const row = expected.find((r) => r.data_type === dataType);
    assert.ok(row, `${dataType} is in the slide-over`);
    assert.deepEqual(row.marks, ["read", "write", "update", "delete"].map((op, i) => `${op}: ${ops[i]}`));
    assert.ok(row.fields === "all fields" || row.fields.split(", ").includes(field), field);
  }

  // Approve: it moves to Approved, and the gateway is allowed.
  assert.equal(await allows(page, url, "parentpay", "Payment", "write"), false);
  await dialog.getByRole("button", { name: "Approve" }).click();
  await dialog.locator(".status", { hasText: "approved" }).waitFor();
  assert.equal(await allows(page, url, "parentpay", "Payment", "write"), true);
  await dialog.getByRole("button", { name: "Close" }).click();
  assert.equal(await page.getByRole("button", { name: "ParentPay", exact: true }).count(), 0);
  await page.getByRole("link", { name: /^Approved apps/ }).click();
  dialog = await open(page, "ParentPay");

  // Revoke, after a confirmation naming the app: Rejected, and the gateway is denied.
  await dialog.getByRole("button", { name: "Reject" }).click();
  await dialog.getByText(/^Revoke ParentPay at .+\? From the moment this is done/).waitFor();
  // The school says why; "Another reason" cannot go without a note.
  await dialog.getByLabel("Reason ParentPay Ltd is given").selectOption("other");
  assert.equal(await dialog.getByRole("button", { name: "Revoke ParentPay" }).isDisabled(), true);
  await dialog.getByLabel("Reason ParentPay Ltd is given").selectOption("data_concerns");
  await dialog.getByLabel("Note for ParentPay Ltd (optional)").fill("  We only share names now.  ");
  await axe(page, "the reject step");
  await dialog.getByRole("button", { name: "Revoke ParentPay" }).click();
  await dialog.locator(".status", { hasText: "rejected" }).waitFor();
  assert.equal(await allows(page, url, "parentpay", "Payment", "write"), false);
  await dialog
    .getByText("Rejected: Concerns about how the data would be used (“We only share names now.”). ParentPay Ltd was told.")
    .waitFor();
  // The partner reads the same reason.
  const told = await page.request.get(`${url}/partner/v1/connection-requests/${school}`, {
    headers: { Authorization: `Basic ${Buffer.from(`parentpay:${partnerSecret}`).toString("base64")}` },
  });
  assert.equal(told.status(), 200, await told.text());
  assert.deepEqual((await told.json()).reject_reason, {
    code: "data_concerns",
    text: "Concerns about how the data would be used",
    note: "We only share names now.",
  });
  // A revocation asks the partner to delete the school's data, and the school sees whether it did.
  await dialog.getByText(/^ParentPay Ltd was asked to delete Oakfield Primary School's data and confirm by .+\. Not confirmed yet\.$/).waitFor();
  const attested = await page.request.post(`${url}/partner/v1/connections/${school}/deletion-attestation`, {
    headers: { Authorization: `Basic ${Buffer.from(`parentpay:${partnerSecret}`).toString("base64")}` },
    data: { note: "Deleted everywhere." },
  });
  assert.equal(attested.status(), 200, await attested.text());
  await dialog.getByText(/Amir Patel reject \(approved → rejected\)/).waitFor();

  // Re-approve from rejected; the partner's confirmation shows.
  await dialog.getByRole("button", { name: "Approve" }).click();
  await dialog.locator(".status", { hasText: "approved" }).waitFor();
  await dialog.getByText(/^ParentPay Ltd confirmed on .+ that it deleted Oakfield Primary School's data \(“Deleted everywhere\.”\)\.$/).waitFor();
  assert.equal(await allows(page, url, "parentpay", "Payment", "write"), true);
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });

  // Cancel on a pending app changes nothing.
  await page.getByRole("link", { name: /^Pending requests/ }).click();
  const before = (await apiApps(page)).map((a) => `${a.app}:${a.status}`).join(" ");
  dialog = await open(page, "Hodder Education Assessment");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  assert.equal((await apiApps(page)).map((a) => `${a.app}:${a.status}`).join(" "), before);
  await page.getByRole("button", { name: "Hodder Education Assessment", exact: true }).waitFor();
});

check("the audit trail: what the API has, filtered, and the same as CSV", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.getByRole("link", { name: "Audit trail" }).click();
  await page.getByRole("heading", { name: "Audit trail" }).waitFor();
  await page.locator("table.audit tbody tr").first().waitFor();
  await axe(page, "the audit trail");
  const api = (query) =>
    page.evaluate(
      async ([s, q]) => (await (await fetch(`/api/v1/schools/${s}/audit?limit=50&${q}`)).json()).items,
      [school, query],
    );
  const ids = () => page.locator("table.audit tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  assert.deepEqual(await ids(), (await api("")).map((e) => e.id));

  // ParentPay's rejects only: the earlier check revoked it once.
  await page.getByLabel("App", { exact: true }).selectOption("parentpay");
  await page.getByLabel("Action", { exact: true }).selectOption("reject");
  await page.getByRole("button", { name: "Filter" }).click();
  const expected = (await api("app=parentpay&action=reject")).map((e) => e.id);
  assert.ok(expected.length >= 1);
  await page.waitForFunction((n) => document.querySelectorAll("table.audit tbody tr").length === n, expected.length);
  assert.deepEqual(await ids(), expected);
  for (const row of await page.locator("table.audit tbody tr td:nth-child(3)").allInnerTexts())
    assert.equal(row, "reject");

  // The CSV holds the same records.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split(/\r?\n/);
  assert.equal(lines.length - 1, expected.length, lines.join("\n"));
});

check("the whole approve flow by keyboard alone", async (page, url) => {
  await page.goto(url + "/");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(users.admin);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  // Tab to the first app's button, open it, Tab to Approve, press it.
  const target = page.getByRole("button", { name: "Hodder Education Assessment", exact: true });
  for (let i = 0; i < 20 && !(await target.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  assert.ok(await target.evaluate((b) => b === document.activeElement), "the app is reachable by Tab");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Hodder Education Assessment", level: 2 }).waitFor();
  const approve = dialog.getByRole("button", { name: "Approve" });
  for (let i = 0; i < 10 && !(await approve.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  assert.ok(await approve.evaluate((b) => b === document.activeElement), "Approve is reachable by Tab");
  // Focus stays in the dialog: many Tabs later it is still inside.
  for (let i = 0; i < 15; i++) await page.keyboard.press("Tab");
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "focus is trapped");
  for (let i = 0; i < 30 && !(await approve.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await dialog.locator(".status", { hasText: "approved" }).waitFor();
  assert.equal(await allows(page, url, "hodder", "Student", "read"), true);
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
});

check("a partner's request is notified; opening it marks it read and opens the app", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  const asked = await page.request.post(`${url}/partner/v1/connection-requests`, {
    headers: { Authorization: `Basic ${Buffer.from(`tucasi:${partnerSecret}`).toString("base64")}` },
    data: { school },
  });
  assert.equal(asked.status(), 201, await asked.text());
  const unread = () =>
    page.evaluate(async () => (await (await fetch("/api/v1/notifications")).json()).unread_count);
  assert.equal(await unread(), 1);
  await page.getByRole("link", { name: /^Notifications/ }).click();
  await page.getByRole("heading", { name: "Notifications" }).waitFor();
  await page.getByLabel("1 unread").waitFor();
  await axe(page, "notifications");
  await page.getByRole("button", { name: /Tucasi asks to connect to Oakfield Primary School/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Tucasi", level: 2 }).waitFor();
  await dialog.locator(".status", { hasText: "pending" }).waitFor();
  await page.getByLabel("0 unread").waitFor();
  assert.equal(await unread(), 0);
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

check("the sign-in history of a school's users and of the trust's are the API's", async (page, url) => {
  // Joanne, the office user, gets her password wrong once (after the refusal check's sign-in).
  const wrong = await page.request.post(`${url}/api/v1/session`, {
    data: { email: users.office, password: "not-her-password" },
  });
  assert.equal(wrong.status(), 401);
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.getByRole("link", { name: "Sign-in history" }).click();
  await page.getByRole("heading", { name: "Sign-in history" }).waitFor();
  await page.locator("table.users tbody tr").first().waitFor();
  const api = await page.evaluate(async (s) => (await (await fetch(`/api/v1/sites/${s}/users`)).json()).items, school);
  const shown = await page.locator("table.users tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.email));
  assert.deepEqual(shown, api.map((u) => u.email));
  assert.ok(shown.includes(users.admin) && shown.includes(users.office), shown.join());
  await axe(page, "the sign-in history");

  await page.getByRole("button", { name: "Joanne Hughes" }).click();
  await page.getByRole("heading", { name: "Sign-ins of Joanne Hughes" }).waitFor();
  const attempts = await page.evaluate(
    async ([s, e]) => (await (await fetch(`/api/v1/sites/${s}/users/${e}/logins?limit=20`)).json()).items,
    [school, users.office],
  );
  assert.equal(attempts[0].outcome, "invalid_credentials");
  assert.ok(attempts.some((a) => a.outcome === "success"), "the refusal check signed her in");
  await page.locator("table.attempts tbody tr").first().waitFor();
  const rows = await page.locator("table.attempts tbody tr").evaluateAll((trs) =>
    trs.map((tr) => `${tr.dataset.id}:${tr.dataset.outcome}:${tr.children[1].textContent}`),
  );
  const words = { success: "Signed in", invalid_credentials: "Wrong email or password" };
  assert.deepEqual(rows, attempts.map((a) => `${a.id}:${a.outcome}:${words[a.outcome]}`));
  await axe(page, "a user's sign-ins");

  // The trust's own users, for its central team.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signInToMatrix(page, url);
  await page.getByRole("link", { name: "Sign-in history" }).click();
  await page.getByRole("heading", { name: "Sign-in history" }).waitFor();
  await page.locator("table.users tbody tr").first().waitFor();
  const trustUsers = await page.locator("table.users tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.email));
  assert.ok(trustUsers.includes(users.trust) && trustUsers.includes("rhys.morgan@oakfield.example"), trustUsers.join());
}, [/status of 401/]);

check("a school admin cannot reach another school by editing the URL", async (page, url) => {
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.goto(`${url}/#/schools/hazelwood-primary/pending`);
  await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
  assert.equal(await page.locator("tbody tr").count(), 0);
  for (const screen of ["audit", "users"]) {
    await page.goto(`${url}/#/schools/hazelwood-primary/${screen}`);
    await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
    assert.equal(await page.locator("tbody tr").count(), 0);
  }
  // A school that does not exist looks the same: the screen tells nothing about which exist.
  await page.goto(`${url}/#/schools/no-such-school/pending`);
  await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
  // Nor a trust's screens.
  await page.goto(`${url}/#/trusts/oakfield-trust`);
  await page.getByRole("heading", { name: "You cannot manage apps here" }).waitFor();
  assert.equal(await page.locator("td[data-status]").count(), 0);
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

// The trust's matrix as the API has it, asked with the page's own session.
async function apiMatrix(page) {
  return page.evaluate(async () => {
    const r = await fetch("/api/v1/trusts/oakfield-trust/apps?limit=1000");
    return (await r.json()).items;
  });
}

// One matrix cell on screen.
const cell = (page, school, app) => page.locator(`td[data-school="${school}"][data-app="${app}"]`);

async function signInToMatrix(page, url) {
  await signIn(page, url, users.trust);
  await page.getByRole("heading", { name: "Apps across the trust's schools" }).waitFor();
  await page.locator("main[data-loaded=true]").waitFor();
}

// A change behind the page's back, with the page's own session (as another tab would).
async function behindTheBack(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const token = (await (await fetch("/api/v1/me")).json()).csrf_token;
      const r = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: body && JSON.stringify(body),
      });
      return r.status;
    },
    [method, path, body],
  );
}

check("a trust's matrix is the API's, and its filters keep what they say", async (page, url) => {
  await signInToMatrix(page, url);
  assert.match(page.url(), /#\/trusts\/oakfield-trust$/);
  const api = await apiMatrix(page);
  assert.equal(api.length, 5 * 17, "every app at every school");
  for (const c of api) assert.equal(await cell(page, c.school, c.app).getAttribute("data-status"), c.status, `${c.school}/${c.app}`);
  await axe(page, "the trust matrix");
  // Schools whose terms the user has not accepted are marked.
  assert.equal(await page.locator("thead .terms-flag").count(), 5);
  // The corner button says what it selects in plain words.
  assert.equal((await page.locator("thead th").first().innerText()).trim(), "Select all shown");

  await page.getByLabel("Status").selectOption("pending");
  const pending = api.filter((c) => c.status === "pending");
  await page.waitForFunction((n) => document.querySelectorAll("td .chip").length === n, pending.length);
  for (const chip of await page.locator("td .chip").allInnerTexts()) assert.equal(chip, "Pending");
  await page.getByLabel("App", { exact: true }).selectOption("hodder");
  const hodder = pending.filter((c) => c.app === "hodder").map((c) => c.school).sort();
  await page.waitForFunction((n) => document.querySelectorAll("td .chip").length === n, hodder.length);
  const shown = await page.locator("td:has(.chip)").evaluateAll((tds) => tds.map((td) => td.dataset.school));
  assert.deepEqual(shown.sort(), hodder);
  await page.getByLabel("App", { exact: true }).selectOption("");
  await page.getByLabel("School", { exact: true }).selectOption("oakfield-high");
  assert.deepEqual(await page.locator("thead th[data-school]").evaluateAll((ths) => ths.map((th) => th.dataset.school)), ["oakfield-high"]);
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("School", { exact: true }).selectOption("");
  await page.waitForFunction(() => document.querySelectorAll("thead th[data-school]").length === 5);
});

check("a bulk approve across schools, terms first; per-item results; the same again changes nothing", async (page, url) => {
  await signInToMatrix(page, url);
  const before = await apiMatrix(page);
  const status = (s, a) => before.find((c) => c.school === s && c.app === a).status;
  assert.equal(status("oakfield-primary", "hodder"), "approved"); // by the keyboard check
  assert.equal(status("meadowbank-infant", "hodder"), "pending");
  assert.equal(status("hazelwood-primary", "studybugs"), "pending");

  // Hodder's row by mouse, then Studybugs at Hazelwood by keyboard: arrows, then Space.
  const row = page.getByRole("button", { name: "Select Hodder Education Assessment at every school the filters keep" });
  await row.click();
  assert.equal(await row.getAttribute("aria-pressed"), "true");
  const rowOf = (app) => page.locator("tbody tr").evaluateAll((trs, app) => trs.findIndex((tr) => tr.dataset.app === app), app);
  const down = (await rowOf("studybugs")) - (await rowOf("hodder"));
  const right = await page.locator("thead th[data-school]").evaluateAll((ths) => ths.findIndex((th) => th.dataset.school === "hazelwood-primary") + 1);
  for (let i = 0; i < Math.abs(down); i++) await page.keyboard.press(down > 0 ? "ArrowDown" : "ArrowUp");
  for (let i = 0; i < right; i++) await page.keyboard.press("ArrowRight");
  const studybugs = cell(page, "hazelwood-primary", "studybugs");
  assert.ok(await studybugs.evaluate((td) => td === document.activeElement), "the arrows reach the cell");
  await page.keyboard.press("Space");
  assert.equal(await studybugs.getAttribute("aria-selected"), "true");
  await page.getByText("3 connections selected in 3 schools.").waitFor();
  await page.screenshot({ path: join(shots, "trust-matrix.png"), fullPage: true });

  // The confirmation: exactly what changes, what does not, and the terms to accept first.
  await page.getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Approve 2 connections in 2 schools?" }).waitFor();
  await dialog.getByText("1 selected connection is approved already and will stay as it is.").waitFor();
  await dialog.getByText("Meadowbank Infant School: Meadowbank Infant School terms and conditions (version 1)").waitFor();
  await dialog.getByText("Hazelwood Primary School: Hazelwood Primary School terms and conditions (version 1)").waitFor();
  const confirm = dialog.getByRole("button", { name: "Approve 2 connections" });
  assert.equal(await confirm.isDisabled(), true, "not before the terms are accepted");
  // Focus starts on the title; Shift+Tab from there stays in the dialog.
  await page.keyboard.press("Shift+Tab");
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "Shift+Tab stays in the dialog");
  await axe(page, "the bulk confirmation");
  await page.screenshot({ path: join(shots, "bulk-confirm.png") });
  await dialog.getByLabel("I accept these terms and conditions").check();
  await confirm.click();

  // The per-item result, the terms recorded, the gateway allowed, the matrix updated.
  await dialog.getByRole("heading", { name: "2 connections changed" }).waitFor();
  const results = await dialog.locator("table.results tbody tr").evaluateAll((trs) =>
    trs.map((tr) => `${tr.dataset.school}/${tr.dataset.app}:${tr.querySelector(".status").textContent}`),
  );
  assert.deepEqual(results.sort(), ["hazelwood-primary/studybugs:approved", "meadowbank-infant/hodder:approved"]);
  await axe(page, "the bulk result");
  await page.screenshot({ path: join(shots, "bulk-result.png") });
  const terms = await page.evaluate(async () => (await (await fetch("/api/v1/trusts/oakfield-trust/schools")).json()).items);
  for (const s of terms)
    assert.equal(s.terms.accepted, ["meadowbank-infant", "hazelwood-primary"].includes(s.id), s.id);
  assert.equal(await allows(page, url, "hodder", "Student", "read", "meadowbank-infant"), true);
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.waitForFunction(() => document.querySelector("table.matrix")?.contains(document.activeElement));
  await page.waitForFunction(() => document.querySelector('td[data-school="meadowbank-infant"][data-app="hodder"]')?.dataset.status === "approved");
  assert.equal(await cell(page, "hazelwood-primary", "studybugs").getAttribute("data-status"), "approved");
  assert.equal(await page.locator("thead .terms-flag").count(), 3);
  await page.getByText(/^Select connections to approve or reject/).waitFor();

  // The same selection again: nothing to change, and nothing is sent.
  let sent = 0;
  await page.route("**/api/v1/trusts/*/decisions", (route) => {
    sent++;
    return route.continue();
  });
  await row.click();
  await studybugs.click();
  await page.getByRole("button", { name: "Approve…" }).click();
  await dialog.getByRole("heading", { name: "Nothing to change" }).waitFor();
  await dialog.getByText("All 3 selected connections are approved already.").waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  assert.equal(sent, 0);
  const approvals = await page.evaluate(async () => {
    const r = await fetch("/api/v1/trusts/oakfield-trust/audit?app=hodder&action=approve&limit=50");
    return (await r.json()).items.filter((e) => e.school === "meadowbank-infant").length;
  });
  assert.equal(approvals, 1);
});

check("a bulk decision whose answer is lost is sent again with the same key and applied once", async (page, url) => {
  await signInToMatrix(page, url);
  assert.equal(await cell(page, "hazelwood-primary", "evolve").getAttribute("data-status"), "pending");
  const keys = [];
  const bodies = [];
  await page.route("**/api/v1/trusts/*/decisions", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    bodies.push(route.request().postData());
    if (keys.length === 1) {
      await route.fetch(); // the server applies it...
      await route.abort("connectionreset"); // ...and the answer never arrives
    } else {
      await route.continue();
    }
  });
  await cell(page, "hazelwood-primary", "evolve").click();
  await page.getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Approve 1 connection" }).click();
  await dialog.getByRole("heading", { name: "The batch did not go through" }).waitFor();
  await dialog.getByText(/trying again sends the very same batch with the same key/).waitFor();
  await dialog.getByRole("button", { name: "Try again" }).click();
  await dialog.getByRole("heading", { name: "1 connection changed" }).waitFor();
  await dialog.getByText(/had been applied already/).waitFor();
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], "the retry reuses the key");
  assert.equal(bodies[0], bodies[1], "and the body");
  assert.deepEqual(JSON.parse(bodies[0]).items, [
    { school: "hazelwood-primary", app: "evolve", action: "approve", from: "pending" },
  ]);
  const approvals = await page.evaluate(async () => {
    const r = await fetch("/api/v1/schools/hazelwood-primary/audit?app=evolve&action=approve");
    return (await r.json()).items.length;
  });
  assert.equal(approvals, 1, "applied once");
  assert.equal(await allows(page, url, "evolve", "Student", "read", "hazelwood-primary"), true);
}, [/net::ERR_CONNECTION_RESET/]);

check("a batch never applies what its confirmation did not show: a cell that moved on is refused and explained", async (page, url) => {
  await signInToMatrix(page, url);
  await cell(page, "oakfield-high", "cunninghams").click();
  await cell(page, "oakfield-high", "otrack").click();
  await page.getByRole("button", { name: "Reject…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Reject 2 connections in 1 school?" }).waitFor();
  await dialog.getByText("Oakfield High School: Cunninghams Cashless Catering (pending → rejected), Otrack (pending → rejected)").waitFor();
  await dialog.getByText(/Oakfield High School data protection and acceptable use terms \(version 2\)/).waitFor();
  assert.equal(await dialog.locator(".warning").count(), 0, "no revocation is announced");
  // Meanwhile, in another tab, Otrack is approved there: rejecting it now would be a revocation
  // the confirmation never showed.
  assert.equal(await behindTheBack(page, "POST", "/api/v1/trusts/oakfield-trust/schools/oakfield-high/terms-acceptance", { version: 2 }), 201);
  assert.equal(await behindTheBack(page, "POST", "/api/v1/schools/oakfield-high/apps/otrack/approve"), 200);
  await dialog.getByLabel("I accept these terms and conditions").check();
  await dialog.getByRole("button", { name: "Reject 2 connections" }).click();
  await dialog.getByRole("heading", { name: "Nothing was changed" }).waitFor();
  const refused = dialog.locator("li[data-code]");
  assert.equal(await refused.count(), 1);
  assert.equal(await refused.getAttribute("data-app"), "otrack");
  assert.equal(await refused.getAttribute("data-code"), "invalid_transition");
  assert.match(await refused.innerText(), /^Otrack at Oakfield High School: its status changed since the matrix was loaded \(the connection is approved now, not pending/);
  await axe(page, "a refused batch");
  const now = await apiMatrix(page);
  const status = (app) => now.find((c) => c.school === "oakfield-high" && c.app === app).status;
  assert.equal(status("otrack"), "approved", "not revoked");
  assert.equal(status("cunninghams"), "pending", "nothing of the batch was applied");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector('td[data-school="oakfield-high"][data-app="otrack"]')?.dataset.status === "approved");
}, [/status of 422/]);

check("the trust's audit trail and export are the API's", async (page, url) => {
  await signInToMatrix(page, url);
  // The export: one row per connection and data type; its connections are the matrix's.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download all connections (CSV)" }).click();
  const rows = readFileSync(await (await download).path(), "utf8").trim().split(/\r?\n/).slice(1);
  const exported = new Set(rows.map((line) => line.split(",")).map(([s, , a, , st]) => `${s}/${a}:${st}`));
  const expected = (await apiMatrix(page)).filter((c) => c.status !== "not_requested").map((c) => `${c.school}/${c.app}:${c.status}`);
  assert.deepEqual([...exported].sort(), expected.sort());

  await page.getByRole("link", { name: "Audit trail" }).click();
  await page.getByRole("heading", { name: "Audit trail" }).waitFor();
  await page.locator("table.audit tbody tr").first().waitFor();
  await axe(page, "the trust's audit trail");
  const api = (query) =>
    page.evaluate(async (q) => (await (await fetch(`/api/v1/trusts/oakfield-trust/audit?limit=50&${q}`)).json()).items, query);
  const ids = () => page.locator("table.audit tbody tr").evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.id)));
  assert.deepEqual(await ids(), (await api("")).map((e) => e.id));
  await page.getByLabel("App", { exact: true }).selectOption("hodder");
  await page.getByLabel("Action", { exact: true }).selectOption("approve");
  await page.getByRole("button", { name: "Filter" }).click();
  const hodder = (await api("app=hodder&action=approve")).map((e) => e.id);
  assert.ok(hodder.length >= 2, "approved at two schools");
  await page.waitForFunction((n) => document.querySelectorAll("table.audit tbody tr").length === n, hodder.length);
  assert.deepEqual(await ids(), hodder);
  const schools = await page.locator("table.audit tbody tr td:nth-child(2)").allInnerTexts();
  assert.ok(schools.includes("Meadowbank Infant School") && schools.includes("Oakfield Primary School"), schools.join());
  // Dates the wrong way round: the API's refusal under the filters, the screen kept.
  await page.getByLabel("From").fill("2026-12-10");
  await page.getByLabel("To").fill("2026-12-01");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByRole("link", { name: "Apps across schools" }).waitFor();
}, [/status of 400/]);

check("a trust's central team sees its schools and goes into one", async (page, url) => {
  await signInToMatrix(page, url);
  await page.getByRole("link", { name: "Schools", exact: true }).click();
  await page.getByRole("heading", { name: "Schools of the trust" }).waitFor();
  // ParentPay, revoked at Oakfield Primary by an earlier check, confirmed the deletion there.
  await page.getByRole("heading", { name: "Data deletion after revocations" }).waitFor();
  const row = page.locator("table.deletions tbody tr").filter({ hasText: "ParentPay" });
  await row.filter({ hasText: "Oakfield Primary School" }).filter({ hasText: /^.*Confirmed on .+$/ }).waitFor();
  await axe(page, "the trust's schools");
  await page.screenshot({ path: join(shots, "trust-home.png") });
  await page.getByRole("link", { name: "Oakfield Primary" }).click();
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  assert.equal(await page.getByRole("note").count(), 0, "no banner on a school that is not a dummy");
  // A dummy (migration) site says so above its lists.
  await page.goBack();
  await page.getByRole("link", { name: "Millbrook Academy" }).click();
  await page.getByRole("note").filter({ hasText: "Millbrook Academy is a dummy site" }).waitFor();
  await axe(page, "a dummy site's lists");
  await page.getByRole("link", { name: "All schools of the trust" }).click();
  await page.getByRole("heading", { name: "Apps across the trust's schools" }).waitFor();
});

check("a dummy site's approve repeats the warning and needs confirming; go-live keeps it and clears the banner", async (page, url) => {
  await signIn(page, url, users.dummySite);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.getByRole("note").filter({ hasText: "Millbrook Academy is a dummy site" }).waitFor();
  const dialog = await open(page, "LGfL");
  await dialog.getByRole("button", { name: "Approve" }).click();
  // Nothing is sent yet: the warning first, in the article's terms.
  const step = dialog.getByRole("alertdialog");
  await step.getByText("Millbrook Academy is a dummy (migration) site.").waitFor();
  await step.getByText(/its ids \(students, staff\) change then, so we recommend approving on the live site/).waitFor();
  assert.equal(await allows(page, url, "lgfl", "Student", "read", "millbrook-academy"), false);
  await axe(page, "the dummy site's approve confirmation");
  await page.screenshot({ path: join(shots, "dummy-site-approve.png") });
  // Waiting changes nothing; confirming approves.
  await step.getByRole("button", { name: "Wait for the live site" }).click();
  await step.waitFor({ state: "detached" });
  await dialog.getByRole("button", { name: "Approve" }).click();
  await dialog.getByRole("alertdialog").getByRole("button", { name: "Approve on the dummy site" }).click();
  await dialog.locator(".status").filter({ hasText: "approved" }).waitFor();
  assert.equal(await allows(page, url, "lgfl", "Student", "read", "millbrook-academy"), true);
  await dialog.getByRole("button", { name: "Close" }).click();

  // The operator makes the site live: the approval stays, the banner goes, LGfL is told.
  const live = await page.request.post(`${url}/internal/v1/schools/millbrook-academy/go-live`, {
    headers: { Authorization: `Bearer ${serviceToken}` },
  });
  assert.equal(live.status(), 200, await live.text());
  assert.deepEqual((await live.json()).told.map((t) => t.app), ["lgfl"]);
  await page.reload();
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await page.getByRole("button", { name: "Class Charts", exact: true }).waitFor();
  assert.equal(await page.getByRole("note").count(), 0, "no banner once live");
  assert.equal(await allows(page, url, "lgfl", "Student", "read", "millbrook-academy"), true);
  // The next approve there asks nothing.
  const classcharts = await open(page, "Class Charts");
  await classcharts.getByRole("button", { name: "Approve" }).click();
  await classcharts.locator(".status").filter({ hasText: "approved" }).waitFor();
  assert.equal(await classcharts.getByRole("alertdialog").count(), 0);
});

// The alternative connection: a partner makes a link, as its partner API allows, and the page
// returns to the partner's registered URI (answered here by the test: nothing leaves this
// machine).
const partnerApps = {
  hodder: { name: "Hodder Education Assessment", back: "https://assessment.hoddereducation.co.uk/arbor/connected" },
  groupcall: { name: "Groupcall Xporter", back: "https://xporter.groupcall.com/arbor/connected" },
};

async function connectLink(page, url, at, app = "hodder", extra = {}) {
  const r = await page.request.post(`${url}/partner/v1/connect-links`, {
    headers: { Authorization: `Basic ${Buffer.from(`${app}:${partnerSecret}`).toString("base64")}` },
    data: { school: at, ...extra },
  });
  assert.equal(r.status(), 201, await r.text());
  return new URL((await r.json()).url).hash.slice(1);
}

// Signs in on the connect page.
async function connectAs(page, email, pass) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function refusedWith(page, words) {
  await page.getByRole("alert").filter({ hasText: words }).waitFor();
}

check(
  "the alternative connection: every refusal in its words, then an approval the gateway and Approved apps show",
  async (page, url) => {
    const { name, back: returnTo } = partnerApps.groupcall;
    await page.route(`${returnTo}**`, (route) =>
      route.fulfill({ status: 200, contentType: "text/html", body: "<title>Groupcall</title><h1>Back</h1>" }),
    );
    const token = await connectLink(page, url, school, "groupcall", { redirect_uri: returnTo, state: "st-1" });
    assert.equal(await allows(page, url, "groupcall", "Student", "read"), false);
    await page.goto(`${url}/connect#${token}`);
    const asks = page.getByRole("heading", { name: `${name} asks to connect to Oakfield Primary School` });
    await asks.waitFor();
    // The token leaves the address bar (and the history) at once; a reload still works.
    assert.equal(new URL(page.url()).hash, "");
    await page.reload();
    await asks.waitFor();
    await axe(page, "the connect page");

    await connectAs(page, "", "");
    await refusedWith(page, "No credentials");
    await connectAs(page, users.admin, "not-the-password");
    await refusedWith(page, "Invalid credentials");
    await connectAs(page, users.office, password);
    await refusedWith(page, "You are not authorised to approve apps on behalf of your school");
    await connectAs(page, users.teacher, password);
    await refusedWith(page, "This link was made for Oakfield Primary School");
    await connectAs(page, users.reporting, password);
    const problem = page.getByRole("alert").filter({ hasText: "you still need" });
    await problem.waitFor();
    assert.deepEqual(await problem.locator("li").allInnerTexts(), [
      "the User Details: Manage All Users permission on your trust",
      "signing in to this school from your trust at least once",
      "accepting this school's terms and conditions",
    ]);
    await axe(page, "the connect page's refusal");
    await page.screenshot({ path: join(shots, "connect-refused.png") });

    // The school's admin: the app, its company and the full permission table.
    await connectAs(page, users.admin, password);
    await page.getByRole("heading", { name: "Review and approve" }).waitFor();
    await page.getByText("Signed in as").waitFor();
    await page.getByText("Groupcall Ltd", { exact: true }).first().waitFor();
    const table = page.getByRole("table", { name: `What ${name} asks to do` });
    assert.deepEqual((await table.locator("tbody th .data-type").allInnerTexts()).sort(), [
      "Student",
      "Staff",
      "Guardian",
      "StudentGuardianRelationship",
      "EmailAddress",
      "TelephoneNumber",
      "RegistrationForm",
      "YearGroup",
      "AttendanceMark",
      "TimetableSlot",
    ].sort());
    await axe(page, "the connect page's review");
    await page.screenshot({ path: join(shots, "connect-review.png") });

    // Approve: back at the partner with the outcome and its state; the gateway allows at once.
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((u) => u.href.startsWith(returnTo));
    const back = new URL(page.url());
    assert.equal(back.searchParams.get("outcome"), "approved");
    assert.equal(back.searchParams.get("school"), school);
    assert.equal(back.searchParams.get("state"), "st-1");
    assert.equal(await allows(page, url, "groupcall", "Student", "read"), true);

    // Spent: the same link again says so.
    await page.goto(`${url}/connect#${token}`);
    await page.getByRole("heading", { name: "This link cannot be used" }).waitFor();
    await refusedWith(page, "This link has been used already");

    // It is among the school's approved apps.
    await signIn(page, url, users.admin);
    await page.getByRole("heading", { name: "Pending requests" }).waitFor();
    await page.goto(`${url}/#/schools/${school}/approved`);
    await page.getByRole("heading", { name: "Approved apps" }).waitFor();
    await page.getByRole("button", { name, exact: true }).waitFor();

    // A user who signs in with two-step verification approves from Partner Apps instead.
    const riverside = await connectLink(page, url, "riverside-academy");
    await page.goto(`${url}/connect#${riverside}`);
    await page
      .getByRole("heading", { name: `${partnerApps.hodder.name} asks to connect to Riverside Academy` })
      .waitFor();
    await connectAs(page, users.twoStep, password);
    await refusedWith(page, "approve the app from System > Partner Apps (API Users) instead");

    // Its admin decides not to: nothing changes, and the link leaves the tab (a reload finds none).
    await connectAs(page, users.standalone, password);
    await page.getByRole("heading", { name: "Review and approve" }).waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("heading", { name: "Cancelled" }).waitFor();
    assert.equal(await allows(page, url, "hodder", "Student", "read", "riverside-academy"), false);
    await page.reload();
    await page.getByText("This page opens from a link an app sent you.").waitFor();
  },
  [/status of 400/, /status of 410/],
);

check("the connect page says when the app is no longer live, or no longer offers the link", async (page) => {
  // Its own database and server, on policies the operator changes after the link was made.
  const dir = mkdtempSync(join(tmpdir(), "canopy-connect-"));
  const ownEnv = { ...env, CANOPY_DB: join(dir, "canopy.db") };
  cpSync(join(root, "policies"), join(dir, "policies"), { recursive: true });
  const hodderFile = join(dir, "policies", "apps", "hodder.yaml");
  const hodder = readFileSync(hodderFile, "utf8");
  run(["tenants", "import", "tenants"], undefined, ownEnv);
  run(["partners", "set-secret", "hodder"], `${partnerSecret}\n`, ownEnv);
  const own = await serve(["--policies", join(dir, "policies")], ownEnv);
  const reload = async () => {
    const r = await page.request.post(`${own.url}/internal/v1/policies/reload`, {
      headers: { Authorization: `Bearer ${serviceToken}` },
    });
    assert.equal(r.status(), 200, await r.text());
  };
  try {
    const token = await connectLink(page, own.url, school);
    writeFileSync(hodderFile, hodder.replace("live: true", "live: false"));
    await reload();
    await page.goto(`${own.url}/connect#${token}`);
    await page.getByRole("heading", { name: "This link cannot be used" }).waitFor();
    await refusedWith(page, "Application Not Live");
    await axe(page, "the connect page, app not live");
    writeFileSync(
      hodderFile,
      hodder.replace(/alternative_connection: true\n\s*redirect_uris: \[[^\]]*\]/, "alternative_connection: false"),
    );
    await reload();
    await page.reload();
    await refusedWith(page, "no longer offers the alternative connection");
  } finally {
    own.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}, [/status of 403/]);

// CPOMS's set grows from version 2 (what the demo's schools approved, kept as history) to 3.
const grownPurpose = "Shows attendance beside safeguarding concerns, so patterns of absence are seen early.";
const grownCpoms = `app:
  id: cpoms
  name: CPOMS
  vendor: CPOMS Systems Ltd
  kind: partner
  live: true
  competitor: false
permission_set:
  version: 3
  data_types:
    - {type: Student, fields: all, operations: [read], purpose: Links each concern to the pupil it is about.}
    - {type: Staff, fields: [title, firstName, lastName, workEmail, jobTitle], operations: [read], purpose: Names the staff who record and follow up concerns.}
    - {type: BehaviouralIncident, fields: all, operations: [read, write, update], purpose: Records and updates concerns.}
    - {type: MedicalCondition, fields: all, operations: [read], purpose: Shows medical needs beside concerns.}
    - {type: AttendanceMark, fields: all, operations: [read], purpose: "${grownPurpose}"}
history:
  - version: 2
    data_types:
      - {type: Student, fields: all, operations: [read]}
      - {type: Staff, fields: [title, firstName, lastName, workEmail, jobTitle], operations: [read]}
      - {type: BehaviouralIncident, fields: all, operations: [read, write, update]}
      - {type: MedicalCondition, fields: all, operations: [read]}
`;

check("a grown permission set: the slide-over shows what is for review; approving again grants it", async (page) => {
  // Its own database and server, on policies where CPOMS asks for more than Oakfield approved.
  const dir = mkdtempSync(join(tmpdir(), "canopy-grown-"));
  const grownEnv = { ...env, CANOPY_DB: join(dir, "canopy.db") };
  cpSync(join(root, "policies"), join(dir, "policies"), { recursive: true });
  writeFileSync(join(dir, "policies", "apps", "cpoms.yaml"), grownCpoms);
  const policies = ["--policies", join(dir, "policies")];
  // Imported under the policies of today (version 2), then served on the grown ones.
  run(["tenants", "import", "tenants"], undefined, grownEnv);
  run(["users", "set-password", users.admin, "--cost", "minimum"], `${password}\n`, grownEnv);
  const own = await serve(policies, grownEnv);
  const decide = (type) =>
    page.evaluate(async ([t, token]) => {
      const r = await fetch(`/internal/v1/decisions?app=cpoms&school=oakfield-primary&data_type=${t}&operation=read`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return (await r.json()).reason;
    }, [type, serviceToken]);
  try {
    await signIn(page, own.url, users.admin);
    await page.getByRole("heading", { name: "Pending requests" }).waitFor();
    await page.goto(`${own.url}/#/schools/${school}/approved`);
    await page.getByRole("heading", { name: "Approved apps" }).waitFor();
    const dialog = await open(page, "CPOMS");
    const review = dialog.getByRole("table", { name: "For review" });
    await review.waitFor();
    assert.deepEqual(await review.locator("tbody th .data-type").allInnerTexts(), ["AttendanceMark"]);
    // Why the app now asks for it, in its policy's words, beside the difference.
    await review.locator("tbody th .purpose").filter({ hasText: grownPurpose }).waitFor();
    assert.equal(await decide("AttendanceMark"), "reconsent_required");
    assert.equal(await decide("Student"), "approved");
    await axe(page, "slide-over with permissions for review");
    await dialog.getByRole("button", { name: "Approve version 3" }).click();
    await review.waitFor({ state: "detached" });
    await dialog.getByRole("button", { name: "Approve version 3" }).waitFor({ state: "detached" });
    assert.equal(await decide("AttendanceMark"), "approved");
  } finally {
    own.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
});

check("the page is usable at 390 x 844", async (page, url) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, url, users.admin);
  await page.getByRole("heading", { name: "Pending requests" }).waitFor();
  await axe(page, "the pending list, narrow");
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
  assert.equal(await overflow(), false, "nothing runs off the side");
  await page.getByRole("button", { name: "Sign out" }).click();
  await signInToMatrix(page, url);
  await axe(page, "the trust matrix, narrow");
  assert.equal(await overflow(), false, "the matrix scrolls inside its own box");
});

let server;
let browser;
let failed = 0;
try {
  run(["tenants", "import", "tenants"]);
  for (const email of Object.values(users))
    run(["users", "set-password", email, "--cost", "minimum"], `${password}\n`);
  for (const app of ["tucasi", "parentpay", "hodder", "groupcall"])
    run(["partners", "set-secret", app], `${partnerSecret}\n`);
  server = await serve();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  for (const { name, fn, expected } of checks) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watch(page);
    try {
      await fn(page, server.url);
      // The refusals the screens handle (401 after sign-out, 403 and 404 on purpose) are
      // logged by Chromium as failed loads: those are expected; anything else is not.
      const unexpected = problems.filter(
        (p) => !/status of (401|403|404)/.test(p) && !expected.some((e) => e.test(p)),
      );
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
