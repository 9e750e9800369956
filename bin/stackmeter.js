#!/usr/bin/env node
// Entry point of the `stackmeter` command. The CLI is TypeScript that Node 22 runs directly (type stripping), so this
// file only checks the runtime and hands over.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `stackmeter needs Node.js 22.12 or newer (this is ${process.version}). Without admin rights: ` +
      `npm install --prefix ~/.node22 node@22 && export PATH=~/.node22/node_modules/.bin:$PATH\n`,
  );
  process.exit(1);
}
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
