#!/usr/bin/env node
// kapi: a Kubernetes API server. Runs the compiled entry point (npm ci builds it).
import { main } from "../dist/src/cmd/main.js";

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`kapi: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
