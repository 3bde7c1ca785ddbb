// The UI's API types (web/src/api_types.ts) are what docs/openapi.yaml generates: a change to
// the spec that the committed file does not follow, or a hand edit of the file, fails here, so
// the screens cannot be type-checked against an API that is not the one described. Regenerates
// into a temporary file with web/api_types.mjs and compares. Run by CTest: node
// tests/web/api_types_test.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const web = join(root, "web");
const committed = join(web, "src", "api_types.ts");
const work = mkdtempSync(join(tmpdir(), "canopy-api-types-"));
try {
  const fresh = join(work, "api_types.ts");
  const run = spawnSync(process.execPath, ["api_types.mjs", "--out", fresh], { cwd: web, encoding: "utf8" });
  if (run.status !== 0) {
    console.log(`not ok - web/api_types.mjs failed (${run.status}):\n${run.stderr}${run.stdout}`);
    process.exit(1);
  }
  const want = readFileSync(fresh, "utf8").split("\n");
  const have = readFileSync(committed, "utf8").split("\n");
  const at = want.findIndex((line, i) => line !== have[i]);
  if (at >= 0 || want.length !== have.length) {
    const line = at >= 0 ? at : Math.min(want.length, have.length);
    console.log(`not ok - web/src/api_types.ts is not what docs/openapi.yaml generates (first difference at line ${line + 1}):`);
    console.log(`  generated: ${want[line] ?? "(end of file)"}`);
    console.log(`  committed: ${have[line] ?? "(end of file)"}`);
    console.log("  run `node api_types.mjs` in web/ and commit the result");
    process.exit(1);
  }
  console.log(`ok - web/src/api_types.ts is what docs/openapi.yaml generates (${want.length} lines)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
