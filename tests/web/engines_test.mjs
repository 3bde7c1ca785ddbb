// Every npm package the UI installs must run on the Node.js that a fresh Debian 12 machine gets
// from `apt-get install nodejs` (18.19.0), which is what the README's commands install where no
// Node.js is present. playwright-core from 1.62 on asks for Node.js 20 (and refuses to start on
// 18), which passed on machines with a newer Node.js and failed on a fresh one; this test reads
// each package's `engines.node` from web/package-lock.json and fails on any that 18.19.0 does
// not satisfy, or that it cannot read. Run by CTest: node tests/web/engines_test.mjs
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const debianNode = [18, 19, 0];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const lock = JSON.parse(readFileSync(join(root, "web", "package-lock.json"), "utf8"));

const parse = (text) => {
  const parts = text.replace(/^v/, "").split(".");
  if (parts.length > 3 || parts.some((p) => !/^(\d+|x|\*)$/.test(p))) return null;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : null));
};
const compare = (a, b) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

// Whether `version` satisfies one comparator (">=18", "<20", "^18.2", "18.x", "*"), or null
// when the comparator is not one this test knows.
function satisfies(version, comparator) {
  if (comparator === "*" || comparator === "") return true;
  const m = /^(>=|<=|>|<|\^|~|=)?\s*(\S+)$/.exec(comparator);
  const v = m && parse(m[2]);
  if (!v) return null;
  const op = m[1] ?? "=";
  const c = compare(version, v);
  if (op === ">=") return c >= 0;
  if (op === ">") return c > 0;
  if (op === "<=") return c <= 0;
  if (op === "<") return c < 0;
  if (op === "^") return c >= 0 && version[0] === v[0];
  if (op === "~") return c >= 0 && version[0] === v[0] && (v[1] === undefined || version[1] === v[1]);
  // "=", or a bare version whose missing or x parts match anything
  return v.every((part, i) => part === null || part === version[i]);
}

function admits(version, range) {
  return range.split("||").some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, "$1").split(/\s+/);
    const results = comparators.map((c) => satisfies(version, c));
    if (results.includes(null)) throw new Error(`cannot read the range "${range}"`);
    return results.every(Boolean);
  });
}

const refused = [];
let checked = 0;
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const range = entry.engines?.node;
  if (!range || !path) continue;
  checked++;
  try {
    if (!admits(debianNode, range)) refused.push(`${path}@${entry.version} needs node ${range}`);
  } catch (e) {
    refused.push(`${path}@${entry.version}: ${e.message}`);
  }
}
// The test itself must be able to fail: a range Debian's Node.js does not meet is refused.
if (admits(debianNode, ">=20") || !admits(debianNode, ">= 18") || !admits(debianNode, "^14 || >=18.19")) {
  console.log("not ok - the range reader itself is wrong");
  process.exit(1);
}
if (refused.length) {
  console.log(`not ok - ${refused.length} package(s) will not run on Debian 12's Node.js ${debianNode.join(".")}:`);
  for (const r of refused) console.log(`  ${r}`);
  process.exit(1);
}
console.log(`ok - all ${checked} packages that name a Node.js version accept Debian 12's ${debianNode.join(".")}`);
