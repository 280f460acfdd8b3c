// Build POLKA's front-end assets from node_modules into polka/static/:
//   polka.css               compiled from assets/polka.scss (GOV.UK Frontend, system fonts)
//   govuk-frontend.min.js   GOV.UK Frontend's ES module, imported by polka.js
// Run with `npm run build` or `make assets` (which only runs it when a source changed).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = join(root, "node_modules");
const govuk = join(nodeModules, "govuk-frontend", "dist", "govuk");
const staticDir = join(root, "polka", "static");

// Write next to the target, then rename: a half-written file is never served.
function writeAtomically(path, contents) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

mkdirSync(staticDir, { recursive: true });

const result = sass.compile(join(root, "assets", "polka.scss"), {
  loadPaths: [nodeModules],
  style: "compressed",
  sourceMap: false,
  quietDeps: true,
});
writeAtomically(join(staticDir, "polka.css"), result.css + "\n");

// The source map is not shipped, so drop the comment that would make browsers ask for it.
const js = readFileSync(join(govuk, "govuk-frontend.min.js"), "utf8").replace(
  /\n?\/\/# sourceMappingURL=\S+\s*$/,
  "\n",
);
writeAtomically(join(staticDir, "govuk-frontend.min.js"), js);

// Nothing from GOV.UK's own assets is shipped: no GDS Transport font, no crown or crest.
console.log("assets built: polka/static/polka.css, polka/static/govuk-frontend.min.js");
