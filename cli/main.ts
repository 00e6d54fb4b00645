#!/usr/bin/env node
import { main } from "./program.js";

// Node 20 is this project's runtime and the lock file pins SDK releases that support it; the SDK's
// notice that later releases need Node 22 would otherwise print on every command that builds a client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A reader that stops early (`finops analyze --json | head`) closes the pipe: that is not an error of
// finops, and everything it stores is committed before it prints.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
