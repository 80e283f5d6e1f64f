#!/usr/bin/env node
// Validate glTF 2.0 files (.gltf or .glb) with the Khronos glTF-Validator (npm `gltf-validator`)
// and print ONE JSON array on stdout: the validator's report for each file, in the order given.
//
//   node scripts/gltf_validator.mjs FILE...
//   printf '%s\n' FILE... | node scripts/gltf_validator.mjs      (one path a line on stdin)
//
// External resources (buffers and images given by URI) are read relative to the model's folder.
// A file that cannot be read or parsed at all gets {"uri": FILE, "error": MESSAGE} instead of a
// report, and the exit status is 2. Otherwise the exit status is 0, whatever the reports say:
// the caller judges them (issues.numErrors and so on). Requires `npm ci` at the project root.

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const validator = require("gltf-validator");

const MAX_ISSUES = 1000;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString("utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

async function validateFile(file) {
  const full = resolve(file);
  const folder = dirname(full);
  let data;
  try {
    data = await readFile(full);
  } catch (error) {
    return { uri: file, error: `cannot read: ${error.message}` };
  }
  try {
    return await validator.validateBytes(new Uint8Array(data), {
      uri: file,
      maxIssues: MAX_ISSUES,
      externalResourceFunction: async (uri) => {
        const target = resolve(folder, decodeURIComponent(uri));
        return new Uint8Array(await readFile(target));
      },
    });
  } catch (error) {
    return { uri: file, error: String(error && error.message ? error.message : error) };
  }
}

const files = process.argv.length > 2 ? process.argv.slice(2) : await readStdin();
const reports = [];
for (const file of files) reports.push(await validateFile(file));
process.stdout.write(JSON.stringify(reports) + "\n");
process.exitCode = reports.some((report) => "error" in report) ? 2 : 0;
