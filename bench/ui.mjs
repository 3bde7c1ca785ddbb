// bench/ui.mjs: how light and how fast the browser UI is (docs/performance.md, "Browser UI").
// Run by bench/ui, which prepares the data set and starts canopy; this script only measures:
//
//   node bench/ui.mjs URL EMAIL PASSWORD TRUST SCHOOL ROUNDS OUT.json
//
// - the JavaScript and CSS the first screen loads, fetched as the browser would and gzipped
//   here (target: JS <= 60 KiB gzip);
// - the trust matrix, in Debian's Chromium (headless, 1280 x 800, a fresh context per round),
//   timed by the page's own clock: from navigation start until every cell of the trust has come
//   and the frame showing them is drawn, plus how long a click on a cell takes until the frame
//   showing it selected is drawn (target: both together <= 1 s for 50 schools x 40 apps);
// - the reference, in the same rounds: the same user, page and browser, until a school's pending
//   list is drawn (one small API read), so the matrix's cost reads as a ratio on a noisy box.
// Prints the medians and writes them to OUT.json.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "web", "package.json"));
const { chromium } = require("playwright-core");

const [url, email, password, trust, school, roundsText, out] = process.argv.slice(2);
const rounds = Number(roundsText ?? 5);
if (!out) {
  console.error("usage: node bench/ui.mjs URL EMAIL PASSWORD TRUST SCHOOL ROUNDS OUT.json");
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The first screen's assets, as index.html names them.
async function assetSizes() {
  const html = await (await fetch(url + "/")).text();
  const sizes = { js: 0, jsGzip: 0, css: 0, cssGzip: 0 };
  for (const [, path] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
    const bytes = Buffer.from(await (await fetch(url + path)).arrayBuffer());
    const kind = path.endsWith(".js") ? "js" : "css";
    sizes[kind] += bytes.length;
    sizes[kind + "Gzip"] += gzipSync(bytes, { level: 9 }).length;
  }
  return sizes;
}

// Milliseconds from the navigation's start (the page's own clock) until `selector` matches and
// the frame after it has been drawn, as recorded by the page itself (no round trip to this
// process counts).
async function drawn(page, hash, selector) {
  await page.goto("about:blank"); // a new document each time, not a hash change
  await page.goto(`${url}/#${hash}`);
  await page.locator(selector).first().waitFor();
  await page.waitForFunction(() => window.drawnAt !== undefined);
  return page.evaluate(() => window.drawnAt);
}

// Records in the page when `window.waitFor`'s selector first matches, then the next frame.
function recorder() {
  new MutationObserver(() => {
    if (window.drawnAt !== undefined || window.seen || !window.waitFor) return;
    if (!document.querySelector(window.waitFor)) return;
    window.seen = true;
    requestAnimationFrame(() => setTimeout(() => (window.drawnAt = performance.now())));
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

// A click on the first cell that can be selected, until the frame showing it selected is drawn.
function clickLatency() {
  return new Promise((resolve, reject) => {
    const td = document.querySelector('td[aria-selected="false"]');
    if (!td) return reject(new Error("no selectable cell"));
    const t0 = performance.now();
    td.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    requestAnimationFrame(() =>
      setTimeout(() =>
        td.getAttribute("aria-selected") === "true"
          ? resolve(performance.now() - t0)
          : reject(new Error("the click did not select the cell")),
      ),
    );
  });
}

const browser = await chromium.launch({ executablePath: process.env.CANOPY_CHROMIUM ?? "/usr/bin/chromium" });
const matrix = [];
const clicks = [];
const reference = [];
let cells = 0;
try {
  for (let round = 0; round < rounds; round++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const signedIn = await context.request.post(`${url}/api/v1/session`, { data: { email, password } });
    if (!signedIn.ok()) throw new Error(`sign-in: ${signedIn.status()} ${await signedIn.text()}`);
    const page = await context.newPage();
    await page.addInitScript(recorder);
    // The reference and the matrix alternate, so drift on the box hits both.
    await page.addInitScript(() => (window.waitFor = location.hash.startsWith("#/trusts/")
      ? "main[data-loaded=true] td[data-status]"
      : "main.list h1"));
    reference.push(await drawn(page, `/schools/${school}/pending`, "main.list h1"));
    matrix.push(await drawn(page, `/trusts/${trust}`, "main[data-loaded=true]"));
    clicks.push(await page.evaluate(clickLatency));
    cells = await page.evaluate(async (t) => {
      const r = await fetch(`/api/v1/trusts/${t}/apps?limit=1`);
      return (await r.json()).total;
    }, trust);
    await context.close();
  }
} finally {
  await browser.close();
}

const assets = await assetSizes();
const result = {
  rounds,
  cells,
  matrix_ms: median(matrix),
  click_ms: median(clicks),
  interactive_ms: median(matrix.map((m, i) => m + clicks[i])),
  reference_ms: median(reference),
  ratio: median(matrix) / median(reference),
  js_gzip_kib: assets.jsGzip / 1024,
  js_kib: assets.js / 1024,
  css_gzip_kib: assets.cssGzip / 1024,
};
writeFileSync(out, JSON.stringify(result) + "\n");
const f = (ms) => `${ms.toFixed(0)} ms`;
console.log(`first screen: JS ${result.js_kib.toFixed(1)} KiB (${result.js_gzip_kib.toFixed(1)} KiB gzip, budget 60), CSS ${result.css_gzip_kib.toFixed(1)} KiB gzip`);
console.log(`trust matrix, ${cells} cells, median of ${rounds}: every cell drawn ${f(result.matrix_ms)} after navigation start; a click selects a cell in ${f(result.click_ms)}; both: ${f(result.interactive_ms)} (target 1000 ms)`);
console.log(`reference, a school's pending list drawn: ${f(result.reference_ms)}; matrix / reference: ${result.ratio.toFixed(2)} ×`);
console.log(`rounds: matrix ${matrix.map(f).join(", ")}; clicks ${clicks.map(f).join(", ")}; reference ${reference.map(f).join(", ")}`);
