#!/usr/bin/env node
// Entry point of the `driftgate` command: runs the compiled CLI (`npm run build` first).
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
