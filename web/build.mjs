// Builds the UI into OUT (default dist/): OUT/index.html and OUT/assets/ with content-hashed
// names, which CMake embeds in the canopy binary (cmake/EmbedWeb.cmake). Prints the gzip size of
// the JavaScript of the first screen, which has a budget (docs/performance.md).
//   node build.mjs [--out DIR]
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.indexOf("--out");
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(here, "dist"));
const budgetBytes = 60 * 1024;

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: ["src/main.tsx"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  entryNames: "[name]-[hash]",
  outdir: join(out, "assets"),
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => resolve(here, p));
const script = outputs.find((p) => p.endsWith(".js"));
const style = outputs.find((p) => p.endsWith(".css"));
if (!script || !style) throw new Error("esbuild produced no script or no stylesheet");

// The tab's icon, named by its content like the bundles (so it may be cached for good). Without
// one a browser asks for /favicon.ico, gets a 404 and logs it as an error.
const icon = readFileSync(join(here, "src", "favicon.svg"));
const iconName = `favicon-${createHash("sha256").update(icon).digest("hex").slice(0, 8)}.svg`;
writeFileSync(join(out, "assets", iconName), icon);

// No inline script or style: the Content-Security-Policy allows only 'self'.
const html = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner Apps · Canopy</title>
<link rel="icon" type="image/svg+xml" href="/assets/${iconName}">
<link rel="stylesheet" href="/assets/${basename(style)}">
<script type="module" src="/assets/${basename(script)}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Canopy's screens need JavaScript.</noscript>
</body>
</html>
`;
writeFileSync(join(out, "index.html"), html);

const gzip = gzipSync(readFileSync(script)).length;
console.log(
  `canopy web: ${basename(script)} ${(gzip / 1024).toFixed(1)} KiB gzip ` +
    `(budget ${budgetBytes / 1024} KiB), ${basename(style)}`,
);
if (gzip > budgetBytes) {
  console.error(`canopy web: the first screen's JavaScript is over its budget`);
  process.exit(1);
}
