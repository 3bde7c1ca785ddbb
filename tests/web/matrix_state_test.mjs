// The trust matrix screen's reducer (web/src/matrix_state.ts) without a browser: what belongs
// together changes together. Bundled with the UI's own esbuild, then imported. Run by CTest:
// node tests/web/matrix_state_test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "web");
const { build } = createRequire(join(web, "package.json"))("esbuild");
const bundle = await build({
  absWorkingDir: web,
  entryPoints: ["src/matrix_state.ts"],
  bundle: true,
  format: "esm",
  write: false,
  logLevel: "warning",
});
const { initialMatrix, matrixReducer } = await import(
  `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`
);
const run = (events, state = initialMatrix) => events.reduce(matrixReducer, state);
const cell = (school, app, status) => ({ school, school_name: school, app, app_name: app, status });

const tests = {
  "the first page of the first read is drawn, later pages only move the progress bar"() {
    const first = [cell("s1", "a1", "pending")];
    const s = run([
      { type: "reading" },
      { type: "progress", have: 1, total: 2, cells: first },
      { type: "progress", have: 2, total: 2 },
    ]);
    assert.equal(s.cells, first);
    assert.deepEqual(s.loading, { have: 2, total: 2 });
    const all = [...first, cell("s2", "a1", "approved")];
    const done = matrixReducer(s, { type: "read", cells: all });
    assert.equal(done.cells, all);
    assert.equal(done.loading, null);
  },
  "a read again that fails keeps the cells and says why; reading again clears it"() {
    const cells = [cell("s1", "a1", "pending")];
    let s = run([{ type: "read", cells }, { type: "readAgain" }, { type: "reading" }, { type: "readFailed" }]);
    assert.equal(s.reads, 1);
    assert.equal(s.loading, null);
    assert.equal(s.reloadError, "");
    s = matrixReducer(s, { type: "readFailed", message: "down" });
    assert.equal(s.cells, cells);
    assert.equal(s.reloadError, "down");
    assert.equal(matrixReducer(s, { type: "reading" }).reloadError, "");
  },
  "a new filter goes back to the first page and keeps the other filters"() {
    const s = run([
      { type: "filter", name: "app", value: "a1" },
      { type: "page", page: 3 },
      { type: "filter", name: "status", value: "pending" },
    ]);
    assert.equal(s.page, 0);
    assert.deepEqual(s.filter, { status: "pending", app: "a1", school: "" });
  },
  "toggle selects keys, and clears them when all are selected"() {
    let s = run([{ type: "toggle", keys: ["s1/a1"] }, { type: "toggle", keys: ["s1/a1", "s2/a1"] }]);
    assert.deepEqual([...s.selected].sort(), ["s1/a1", "s2/a1"]);
    s = matrixReducer(s, { type: "toggle", keys: ["s1/a1", "s2/a1"] });
    assert.deepEqual([...s.selected], []);
  },
  "keep drops what the filters do not keep, and changes nothing when they keep it all"() {
    const s = run([{ type: "toggle", keys: ["s1/a1", "s2/a1"] }]);
    assert.equal(matrixReducer(s, { type: "keep", keep: () => true }), s);
    assert.deepEqual([...matrixReducer(s, { type: "keep", keep: (k) => k === "s2/a1" }).selected], ["s2/a1"]);
  },
  "closing the bulk dialog clears the selection only when the batch was applied"() {
    const s = run([{ type: "toggle", keys: ["s1/a1"] }, { type: "openBulk", action: "approve" }]);
    assert.equal(s.bulk, "approve");
    const kept = matrixReducer(s, { type: "closeBulk", applied: false });
    assert.equal(kept.bulk, null);
    assert.equal(kept.selected, s.selected);
    assert.equal(matrixReducer(s, { type: "closeBulk", applied: true }).selected.size, 0);
    assert.equal(matrixReducer(s, { type: "clearSelection" }).selected.size, 0);
  },
};

let failed = 0;
for (const [name, test] of Object.entries(tests)) {
  try {
    test();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e.stack ?? e).replace(/\n/g, "\n  ")}`);
  }
}
process.exit(failed ? 1 : 0);
