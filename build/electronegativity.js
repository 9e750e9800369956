// `npm run scan:electron` (part of `npm test`): Doyensec's Electronegativity over the Electron side of the app — the
// main process, the preload and the console's HTML (where the CSP meta tag is) — failing on any high or medium finding
// that build/electronegativity-allowlist.json does not explain, and on any allow-list entry that no longer matches a
// finding (so the list never outlives the code it excuses). The README's "Electron security scan" section explains
// each allowed finding.
//
// Run offline: the Electron version comes from the installed electron package, and the one check that needs the network
// (AvailableSecurityFixesGlobalCheck: "is a newer Electron out?", answered from GitHub) is left out; keeping Electron
// current is part of the release checklist instead. The scanner's attempt to fetch translations fails fast offline.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What is scanned, as paths in the repository; they keep these paths in the report and the allow-list. */
const SCANNED = ['electron/main', 'electron/preload', 'renderer/index.html'];
// --root scans another tree laid out like this repository (the gate's own test gives it a deliberately unsafe one).
const { values } = parseArgs({ options: { root: { type: 'string', default: repo } } });
const root = resolve(values.root);
const missing = SCANNED.filter((path) => !existsSync(join(root, path)));
if (missing.length > 0) {
  console.error(`Nothing to scan at ${missing.map((path) => join(root, path)).join(', ')}.`);
  process.exit(2);
}
const require = createRequire(import.meta.url);


const electronVersion = JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')).version;
const allowlist = JSON.parse(readFileSync(join(repo, 'build/electronegativity-allowlist.json'), 'utf8'));

// One folder holding exactly the scanned files, so that one run sees the CSP of the HTML and the code of main together.
const staging = mkdtempSync(join(tmpdir(), 'stackmeter-electronegativity-'));
let failures = 0;
try {
  for (const path of SCANNED) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    cpSync(join(root, path), join(staging, path), { recursive: true });
  }
  const scanner = require('@doyensec/electronegativity');
  const run = scanner.default ?? scanner;
  const started = Date.now();
  const result = await run({
    input: staging,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
  for (const error of result.errors) {
    console.log(`! could not parse ${error.file.replace(`${staging}/`, '')}: ${error.message}`);
    if (!error.tolerable) failures += 1;
  }
  const serious = result.issues.filter((issue) => issue.severity.value >= 2);
  const used = new Set();
  for (const issue of serious) {
    const file = issue.file.replace(`${staging}/`, '');
    const where = issue.location.line > 0 ? `${file}:${issue.location.line}` : file;
    const allowed = allowlist.findIndex((entry) => entry.check === issue.id && entry.file === file);
    if (allowed === -1) {
      failures += 1;
      console.log(`✗ ${issue.id} (${issue.severity.name}, ${issue.confidence.name}) at ${where}: ${issue.description}`);
      console.log(`  ${issue.shortenedURL}`);
    } else {
      used.add(allowed);
      console.log(`✓ ${issue.id} (${issue.severity.name}) at ${where}, explained: ${allowlist[allowed].reason}`);
    }
  }
  allowlist.forEach((entry, index) => {
    if (used.has(index)) return;
    failures += 1;
    console.log(`✗ build/electronegativity-allowlist.json explains ${entry.check} in ${entry.file}, which the scan no `
      + 'longer reports: remove the entry (and its README paragraph).');
  });
  const lower = result.issues.length - serious.length;
  console.log(`Electronegativity (Electron ${electronVersion}): ${result.globalChecks + result.atomicChecks} checks over `
    + `${SCANNED.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${serious.length} high or medium `
    + `finding(s), ${used.size} explained in the allow-list; ${lower} low or informational, not gated.`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`${failures} unexplained finding(s) or stale allow-list entries.`);
  process.exit(1);
}
