// Generates src/api_types.ts, the UI's request and response types, from docs/openapi.yaml with
// openapi-typescript, so the screens are type-checked against the spec and cannot drift from it.
// CTest web_api_types regenerates into a temporary file and fails when the committed one differs.
//   node api_types.mjs [--out FILE]
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const spec = resolve(here, "../docs/openapi.yaml");
const outArg = process.argv.indexOf("--out");
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(here, "src", "api_types.ts"));

const header = `// Generated from docs/openapi.yaml by web/api_types.mjs (openapi-typescript): do not edit.
// After changing the spec, run \`node api_types.mjs\` in web/ and commit the result; CTest
// web_api_types fails while this file and the spec disagree.

`;

const ast = await openapiTS(pathToFileURL(spec), {
  silent: true,
  // A default (such as sign-in's `token: false`) makes a field optional in a request, not required.
  defaultNonNullable: false,
});
writeFileSync(out, header + astToString(ast));
