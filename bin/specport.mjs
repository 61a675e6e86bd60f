#!/usr/bin/env node
// The CLI is TypeScript, run by Node's own type stripping (Node >= 22.18). npm scripts use the
// Node runtime pinned in devDependencies, whatever Node is on the PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`specport needs Node 22.18 or newer (this is ${process.version}). Run it through npm, e.g. "npm run check", which uses the project's pinned Node.`);
  process.exit(2);
}
await import('../src/cli/main.ts');
