// Partner events delivered to a real HTTP receiver on loopback, each delivery verified with the
// npm package standardwebhooks (an implementation of Standard Webhooks 1.0 that Canopy did not
// write). Run by CTest through webhooks_test.sh:
//   node webhooks_test.mjs CANOPY_BINARY sqlite     signed and retried; kill -9 mid-delivery
//   node webhooks_test.mjs CANOPY_BINARY replicas   two replicas on MariaDB and Redis: one
//                                                   successful delivery per event
// Exits non-zero on the first failed check.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const { Webhook } = createRequire(join(here, "package.json"))("standardwebhooks");

const canopy = resolve(process.argv[2] ?? join(root, "build/src/main/canopy"));
const mode = process.argv[3] ?? "sqlite";
const app = "edulink-one"; // not connected to Oakfield Primary in tenants/
const school = "oakfield-primary";
const admin = "amir.admin@oakfield-primary.example";
const password = "webhooks-test-password";
const partnerSecret = "webhooks-test-partner-secret";
const serviceToken = "webhooks-test-service-token-0123456789";
const newSecret = () => "whsec_" + randomBytes(32).toString("base64");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const work = mkdtempSync(join(tmpdir(), "canopy-webhooks-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

// --- the receiver -----------------------------------------------------------------------------

// An HTTP endpoint that verifies every request against each of `secrets` and answers as
// `answer(n)` says for the n-th request (0-based): { status, holdMs }.
async function receiver(secrets, answer = () => ({ status: 204 })) {
  const seen = [];
  const held = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const n = seen.length;
      const headers = {
        "webhook-id": req.headers["webhook-id"],
        "webhook-timestamp": req.headers["webhook-timestamp"],
        "webhook-signature": req.headers["webhook-signature"],
      };
      const verified = secrets.map((s) => {
        try {
          new Webhook(s).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      let wrongKeyVerifies = true; // a key nobody has must never verify
      try {
        new Webhook(newSecret()).verify(body, headers);
      } catch {
        wrongKeyVerifies = false;
      }
      const { status, holdMs = 0 } = answer(n);
      const record = { n, id: headers["webhook-id"], body, verified, wrongKeyVerifies, status };
      record.payload = JSON.parse(body);
      seen.push(record);
      if (holdMs > 0) {
        held.push(res);
        await sleep(holdMs);
      }
      if (!res.writableEnded && !res.destroyed) {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end("ok");
      }
      record.answered = true;
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/canopy?from=test`,
    seen,
    close: () => {
      for (const res of held) res.destroy();
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}

// --- canopy -----------------------------------------------------------------------------------

function run(env, args, input) {
  const r = spawnSync(canopy, args, { cwd: root, env, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`canopy ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function serve(env, args) {
  const child = spawn(
    canopy,
    ["serve", "--listen", "127.0.0.1:0", "--password-cost", "minimum", "--no-access-log", ...args],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  return new Promise((resolveServer, reject) => {
    child.stdout.on("data", (d) => {
      const m = /canopy listening on (http:\/\/[0-9.:]+)/.exec(String(d));
      if (m) resolveServer({ child, url: m[1], log: () => log });
    });
    child.on("exit", (code, signal) =>
      reject(new Error(`canopy serve exited (${code ?? signal}): ${log}`)),
    );
  });
}

function stop(server, signal = "SIGTERM") {
  return new Promise((r) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return r();
    server.child.removeAllListeners("exit");
    server.child.on("exit", () => r());
    server.child.kill(signal);
  });
}

async function call(base, method, path, { body, token, basic } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  if (basic) headers.authorization = "Basic " + Buffer.from(basic).toString("base64");
  const r = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
}

const partner = `${app}:${partnerSecret}`;

async function signIn(base) {
  const r = await call(base, "POST", "/api/v1/session", {
    body: { email: admin, password, token: true },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.token;
}

// Waits (bounded) until `done()` holds.
async function until(what, done, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Sets up a database (SQLite file or MariaDB) with the demo tenants, the admin's password, the
// partner's secret, and a webhooks file naming `url` with the secrets given by reference.
function prepare(env, url, secrets) {
  run(env, ["tenants", "import", "tenants"]);
  run(env, ["users", "set-password", admin, "--cost", "minimum"], password + "\n");
  run(env, ["partners", "set-secret", app], partnerSecret + "\n");
  writeFileSync(join(work, "previous-secret"), secrets[1] + "\n", { mode: 0o600 });
  const file = join(work, "webhooks.yaml");
  writeFileSync(
    file,
    [
      "endpoints:",
      `  ${app}:`,
      `    url: ${url}`,
      "    secret: env:TEST_WEBHOOK_SECRET",
      `    previous_secret: file:${join(work, "previous-secret")}`,
      "",
    ].join("\n"),
  );
  return { ...env, TEST_WEBHOOK_SECRET: secrets[0], CANOPY_WEBHOOKS: file };
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// The three connection changes this test makes, through the partner API and the admin's.
async function requestApproveReject(base) {
  let r = await call(base, "POST", "/partner/v1/connection-requests", {
    body: { school },
    basic: partner,
  });
  assert.equal(r.status, 201, r.text);
  const token = await signIn(base);
  r = await call(base, "POST", `/api/v1/schools/${school}/apps/${app}/approve`, { token });
  assert.equal(r.status, 200, r.text);
  r = await call(base, "POST", `/api/v1/schools/${school}/apps/${app}/reject`, { token });
  assert.equal(r.status, 200, r.text);
  return token;
}

const ours = (record) => record.payload.data?.school === school;
const delivered = (seen) => seen.filter((s) => s.status >= 200 && s.status < 300);

if (mode === "sqlite") {
  check("every change is signed, retried after the receiver fails, and logged", async () => {
    const secrets = [newSecret(), newSecret()];
    // The first two deliveries fail with 500, the third with 503; then every one succeeds.
    const hooks = await receiver(secrets, (n) => ({ status: n < 2 ? 500 : n === 2 ? 503 : 204 }));
    const env = prepare(
      { ...process.env, CANOPY_DB: join(work, "retries.db"), CANOPY_SERVICE_TOKEN: serviceToken },
      hooks.url,
      secrets,
    );
    const server = await serve(env, [
      "--webhook-poll-ms",
      "100",
      "--webhook-retry-base-ms",
      "200",
    ]);
    try {
      await requestApproveReject(server.url);
      // Ours delivered, and every event that failed (the import's too) delivered since.
      const settled = () =>
        delivered(hooks.seen).filter(ours).length >= 3 &&
        hooks.seen
          .filter((s) => s.status >= 500)
          .every((f) => delivered(hooks.seen).some((d) => d.id === f.id));
      await until("three delivered events for the school, and every retry", () =>
        Promise.resolve(settled()),
      );
      for (const s of hooks.seen) {
        // Both secrets of the rotation sign it, and standardwebhooks verifies it with each.
        assert.deepEqual(s.verified, [true, true], `delivery ${s.n} (${s.id}) did not verify`);
        assert.equal(s.wrongKeyVerifies, false);
        assert.match(s.id, /^msg_[A-Za-z0-9_-]{22}$/);
      }
      // Every event that failed was delivered later, under the same webhook-id.
      const failed = hooks.seen.filter((s) => s.status >= 500);
      assert.equal(failed.length, 3);
      for (const f of failed) {
        assert.ok(
          delivered(hooks.seen).some((d) => d.id === f.id && d.body === f.body),
          `event ${f.id} failed and was never delivered with the same id and body`,
        );
      }
      // Exactly one delivery of each of our events, in the order of the changes.
      const ok = delivered(hooks.seen).filter(ours);
      assert.equal(new Set(ok.map((s) => s.id)).size, 3);
      const types = [...ok].sort((a, b) => a.payload.timestamp.localeCompare(b.payload.timestamp));
      assert.deepEqual(
        new Set(types.map((s) => s.payload.type)),
        new Set(["connection.requested", "connection.approved", "connection.rejected"]),
      );
      const approved = ok.find((s) => s.payload.type === "connection.approved").payload;
      assert.deepEqual(Object.keys(approved).sort(), ["data", "timestamp", "type"]);
      assert.equal(approved.data.app, app);
      assert.equal(approved.data.status, "approved");
      assert.equal(approved.data.previous_status, "pending");
      assert.equal(approved.data.by, "school");
      assert.equal(JSON.stringify(approved).includes(admin), false, "the event names a person");

      // The operator reads the delivery log of an event that failed first.
      const first = failed.find(ours) ?? failed[0];
      let r = await call(server.url, "GET", `/internal/v1/partner-events/${first.id}`, {
        token: serviceToken,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, "delivered");
      assert.ok(r.json.deliveries.length >= 2, r.text);
      assert.equal(r.json.deliveries.at(-1).outcome, "failed");
      assert.ok([500, 503].includes(r.json.deliveries.at(-1).status_code), r.text);
      assert.equal(r.json.deliveries[0].outcome, "delivered");
      r = await call(server.url, "GET", "/internal/v1/partner-events/msg_nothing", {
        token: serviceToken,
      });
      assert.equal(r.status, 404, r.text);
      r = await call(server.url, "GET", `/internal/v1/partner-events?app=${app}&state=pending`, {
        token: serviceToken,
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.events, []);
      r = await call(server.url, "GET", "/internal/v1/partner-events");
      assert.equal(r.status, 401, r.text);

      // The partner re-reads its events by cursor: the same bodies it was sent.
      r = await call(server.url, "GET", "/partner/v1/events?after=0", { basic: partner });
      assert.equal(r.status, 200, r.text);
      const mine = r.json.events.filter((e) => e.data.school === school);
      assert.deepEqual(
        mine.map((e) => e.type),
        ["connection.requested", "connection.approved", "connection.rejected"],
      );
      for (const e of mine) {
        const sent = ok.find((s) => s.id === e.id);
        assert.ok(sent, `${e.id} was listed but never delivered`);
        const { id, seq, ...payload } = e;
        assert.deepEqual(payload, sent.payload);
        assert.ok(seq > 0);
      }
      r = await call(server.url, "GET", `/partner/v1/events?after=${r.json.next_after}`, {
        basic: partner,
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.events, []);
      r = await call(server.url, "GET", "/partner/v1/events?after=-1", { basic: partner });
      assert.equal(r.status, 400, r.text);
      r = await call(server.url, "GET", "/partner/v1/events");
      assert.equal(r.status, 401, r.text);
    } finally {
      await stop(server);
      await hooks.close();
    }
  });

  check("kill -9 mid-delivery: the next start delivers it, with the same webhook-id", async () => {
    const secrets = [newSecret(), newSecret()];
    // The first delivery hangs (canopy is killed while it waits); the rest succeed.
    const hooks = await receiver(secrets, (n) => (n === 0 ? { status: 204, holdMs: 60000 } : { status: 204 }));
    const env = prepare(
      { ...process.env, CANOPY_DB: join(work, "kill.db"), CANOPY_SERVICE_TOKEN: serviceToken },
      hooks.url,
      secrets,
    );
    const args = [
      "--webhook-poll-ms",
      "100",
      "--webhook-timeout-ms",
      "1000",
      "--webhook-lease-ms",
      "2000",
    ];
    let server = await serve(env, args);
    try {
      await until("the first delivery to arrive", () => Promise.resolve(hooks.seen.length >= 1));
      const held = hooks.seen[0];
      await stop(server, "SIGKILL");
      server = await serve(env, args);
      await until(
        "the held event delivered again",
        () => Promise.resolve(delivered(hooks.seen).some((s) => s.n > 0 && s.id === held.id)),
        15000,
      );
      const again = hooks.seen.find((s) => s.n > 0 && s.id === held.id);
      assert.equal(again.body, held.body, "a redelivery sends the same body");
      assert.deepEqual(again.verified, [true, true]);
      const r = await call(server.url, "GET", `/internal/v1/partner-events/${held.id}`, {
        token: serviceToken,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.state, "delivered");
      assert.ok(r.json.attempts >= 2, r.text);
    } finally {
      await stop(server);
      await hooks.close();
    }
  });
}

if (mode === "replicas") {
  check("two replicas: every event delivered, exactly once successfully", async () => {
    const servers = Object.fromEntries(
      readFileSync(process.env.CANOPY_TEST_SERVERS_ENV, "utf8")
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const database = `canopy_wh_${randomBytes(4).toString("hex")}`;
    const mysql = [
      "--no-defaults",
      `-h${servers.CANOPY_TEST_MYSQL_HOST}`,
      `-P${servers.CANOPY_TEST_MYSQL_PORT}`,
      `-u${servers.CANOPY_TEST_MYSQL_USER}`,
      `-p${servers.CANOPY_TEST_MYSQL_PASSWORD}`,
    ];
    const created = spawnSync("mariadb", [...mysql, "-e", `CREATE DATABASE ${database}`]);
    assert.equal(created.status, 0, String(created.stderr));
    const secrets = [newSecret(), newSecret()];
    // A little latency, so that the two replicas' looks overlap with deliveries in flight.
    const hooks = await receiver(secrets, (n) => ({ status: 200, holdMs: n % 3 === 0 ? 30 : 0 }));
    const env = prepare(
      {
        ...process.env,
        CANOPY_STORE: "mysql",
        CANOPY_MYSQL_HOST: servers.CANOPY_TEST_MYSQL_HOST,
        CANOPY_MYSQL_PORT: servers.CANOPY_TEST_MYSQL_PORT,
        CANOPY_MYSQL_USER: servers.CANOPY_TEST_MYSQL_USER,
        CANOPY_MYSQL_PASSWORD: servers.CANOPY_TEST_MYSQL_PASSWORD,
        CANOPY_MYSQL_DATABASE: database,
        CANOPY_SERVICE_TOKEN: serviceToken,
        CANOPY_REDIS_PASSWORD: servers.CANOPY_TEST_REDIS_PASSWORD,
        CANOPY_REDIS_MAC_KEY: "webhooks-test-mac-key-0123456789abcdef",
      },
      hooks.url,
      secrets,
    );
    const args = [
      "--cache",
      "redis",
      "--redis",
      `127.0.0.1:${servers.CANOPY_TEST_REDIS_PORT}`,
      "--redis-user",
      servers.CANOPY_TEST_REDIS_USER,
      "--redis-prefix",
      database,
      "--webhook-poll-ms",
      "50",
    ];
    const a = await serve(env, args);
    const b = await serve(env, args);
    try {
      // Changes through both replicas: a request, then approve and reject in turn.
      let r = await call(a.url, "POST", "/partner/v1/connection-requests", {
        body: { school },
        basic: partner,
      });
      assert.equal(r.status, 201, r.text);
      const tokens = [await signIn(a.url), await signIn(b.url)];
      const rounds = 15;
      for (let i = 0; i < rounds; ++i) {
        const [base, token] = i % 2 === 0 ? [a.url, tokens[0]] : [b.url, tokens[1]];
        for (const action of ["approve", "reject"]) {
          r = await call(base, "POST", `/api/v1/schools/${school}/apps/${app}/${action}`, { token });
          assert.equal(r.status, 200, r.text);
        }
      }
      const expected = 1 + 2 * rounds;
      await until("every event delivered", async () => {
        const p = await call(a.url, "GET", `/internal/v1/partner-events?app=${app}&state=pending`, {
          token: serviceToken,
        });
        return p.json.events.length === 0 && delivered(hooks.seen).filter(ours).length >= expected;
      }, 30000);
      await sleep(500); // a duplicate would arrive now
      const ok = delivered(hooks.seen).filter(ours);
      const counts = new Map();
      for (const s of ok) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
      assert.equal(counts.size, expected);
      for (const [id, n] of counts) assert.equal(n, 1, `${id} was delivered ${n} times`);
      for (const s of hooks.seen) assert.deepEqual(s.verified, [true, true]);
      // The log says which replica delivered each; the page lists every event of ours.
      r = await call(b.url, "GET", `/internal/v1/partner-events?app=${app}&limit=100`, {
        token: serviceToken,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.events.filter((e) => e.school === school).length, expected);
      for (const e of r.json.events) assert.equal(e.state, "delivered", JSON.stringify(e));
    } finally {
      await stop(a);
      await stop(b);
      await hooks.close();
      spawnSync("mariadb", [...mysql, "-e", `DROP DATABASE ${database}`]);
    }
  });
}

let failed = 0;
for (const { name, fn } of checks) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}\n${e.stack}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
