#!/usr/bin/env node
// Launcher: the CLI lives in dist/ (npm run build). Kept tiny so start-up stays fast.
import('../dist/cli/main.js').then(
  (cli) => cli.main(),
  (err) => {
    process.stderr.write(`meshc: cannot load dist/cli/main.js (${err.code ?? err.message}); run \`npm run build\` first\n`);
    process.exitCode = 3;
  },
);
