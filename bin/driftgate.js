#!/usr/bin/env node
// Entry point of the `driftgate` command: runs the CLI's bundle (`npm run build` first;
// scripts/build-cli.ts says why it is bundled).
// The AWS SDK warns on every run that its 2027 releases will need Node 22; driftgate pins
// its SDK version in package-lock.json and supports Node >= 20.18, so the notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Node 22.1+ keeps V8's compiled code between runs (a no-op on Node 20, which lacks it):
// most of a short command's start-up is compiling its modules.
(await import('node:module')).enableCompileCache?.();
const { runCli } = await import('../dist/cli-bundle/main.js');

process.exitCode = await runCli(process.argv.slice(2));
