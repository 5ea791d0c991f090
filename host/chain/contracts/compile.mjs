// Compiles the fabnode contracts with the solc pinned in package.json (solcjs, standard JSON) and
// writes <Contract>.abi and <Contract>.bin for each contract into the directory given as the
// first argument (default: build). Imports are read from node_modules; nothing is downloaded.
//
//   node compile.mjs build      (make contracts does this, then regenerates the Go bindings)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, "build"));

// The settings are part of the artefacts: change them only together with a `make contracts`.
export const SOLC_VERSION = "0.8.28";
const settings = {
  evmVersion: "cancun",
  viaIR: true,
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
};

// Our sources, by source unit name relative to this directory (the names end up in the metadata
// hash appended to the bytecode, so they must not depend on where the repository lives).
const sourceNames = [
  ...fs.readdirSync(here).filter((f) => f.endsWith(".sol")),
  ...fs.readdirSync(path.join(here, "test")).filter((f) => f.endsWith(".sol")).map((f) => `test/${f}`),
].sort();

function findImports(name) {
  const file = path.join(here, "node_modules", name);
  if (!name.startsWith("@openzeppelin/") || !fs.existsSync(file)) {
    return { error: `import not found: ${name} (run npm ci in ${here})` };
  }
  return { contents: fs.readFileSync(file, "utf8") };
}

if (!solc.version().startsWith(SOLC_VERSION + "+")) {
  throw new Error(`solc ${solc.version()} installed, ${SOLC_VERSION} pinned: run npm ci`);
}

const input = {
  language: "Solidity",
  sources: Object.fromEntries(
    sourceNames.map((n) => [n, { content: fs.readFileSync(path.join(here, n), "utf8") }]),
  ),
  settings,
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

let failed = false;
for (const e of output.errors ?? []) {
  // OpenZeppelin's transient reentrancy guard always draws this warning; it is safe by design.
  if (e.severity === "warning" && e.sourceLocation?.file?.startsWith("@openzeppelin/")) continue;
  console.error(e.formattedMessage ?? e.message);
  if (e.severity === "error") failed = true;
}
if (failed) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(outDir)) {
  if (f.endsWith(".abi") || f.endsWith(".bin")) fs.rmSync(path.join(outDir, f));
}
const written = [];
for (const source of sourceNames) {
  for (const [name, c] of Object.entries(output.contracts[source] ?? {})) {
    const bin = c.evm.bytecode.object;
    if (!bin) continue; // abstract contracts and interfaces
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi, null, 2) + "\n");
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bin);
    written.push(`${name} (${bin.length / 2} bytes)`);
  }
}
console.log(`solc ${solc.version()}: ${written.join(", ")} -> ${outDir}`);
