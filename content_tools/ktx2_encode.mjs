#!/usr/bin/env node
// Encode raw RGBA8 images to KTX2 (Basis Universal ETC1S or UASTC) with npm `ktx2-encoder`
// (Basis Universal compiled to WebAssembly). content_tools/ktx2.py runs it once per packaged
// model; nothing is downloaded at run time (the encoder is installed by `npm ci`).
//
//   node content_tools/ktx2_encode.mjs JOBS.json
//
// JOBS.json is a list of {input, output, width, height, mode: "etc1s" | "uastc", srgb}: `input`
// holds width*height*4 bytes (RGBA8, the top row first), `output` is written with the KTX2 file
// (with a full mip chain). The encoder's own log goes to stderr; the exit status is 0 when
// every job was written, 1 otherwise (with the reason on stderr).

import { readFile, writeFile } from "node:fs/promises";
import { encodeToKTX2 } from "ktx2-encoder";

/** The encoder settings of each mode (docs/content-format.md says why these). */
const MODES = {
  etc1s: { isUASTC: false, qualityLevel: 255, compressionLevel: 2 },
  uastc: { isUASTC: true, uastcLDRQualityLevel: 2, needSupercompression: true },
};

async function encode(job) {
  const data = new Uint8Array(await readFile(job.input));
  if (data.length !== job.width * job.height * 4) {
    throw new Error(`${job.input}: ${data.length} bytes is not ${job.width}x${job.height} RGBA8`);
  }
  const ktx2 = await encodeToKTX2(data, {
    ...MODES[job.mode],
    isKTX2File: true,
    generateMipmap: true,
    isPerceptual: job.srgb,
    isSetKTX2SRGBTransferFunc: job.srgb,
    enableDebug: false,
    imageDecoder: async () => ({ width: job.width, height: job.height, data }),
  });
  await writeFile(job.output, ktx2);
}

async function main() {
  const jobs = JSON.parse(await readFile(process.argv[2], "utf8"));
  // The WebAssembly module prints progress on stdout: keep stdout for nothing but errors.
  console.log = (...args) => console.error(...args);
  for (const job of jobs) {
    if (!(job.mode in MODES)) throw new Error(`unknown mode ${job.mode}`);
    await encode(job);
  }
}

main().catch((error) => {
  process.stderr.write(`ktx2_encode: ${error?.message ?? error}\n`);
  process.exit(1);
});
