// How the UI's code is linted: ESLint's and typescript-eslint's recommended rules, and the rules
// of hooks (Preact's hooks follow React's: called unconditionally, every value an effect reads
// in its dependencies). CTest web_lint runs it and fails on any error or warning:
//   npx eslint --max-warnings 0 .
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default defineConfig(
  // The generated API types are checked against the spec (CTest web_api_types), not linted.
  { ignores: ["dist/", "node_modules/", "src/api_types.ts"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A missing dependency is a stale value on screen, not a matter of taste.
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    // The build scripts run in Node.js.
    files: ["*.mjs", "*.js"],
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly" } },
  },
);
