// Writes the licences of every production dependency (what the packaged app ships: bundled into dist/ by esbuild and
// Vite, or copied into node_modules by electron-builder) to one text file, shipped as THIRD-PARTY-NOTICES.txt beside the
// app and opened from Help › Third-party licences.
//   node build/third-party-notices.js --out <file>
// The list comes from package-lock.json (every package not marked dev), so it follows exactly what `npm ci --omit=dev`
// would install; optional packages for other platforms that are not installed here are listed by name and licence.
// A package that declares no licence and ships no licence file fails the build, unless build/licence-review.json
// records its licence, the text and where that was established.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('Usage: node build/third-party-notices.js --out <file>');
  process.exit(2);
}

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;
const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
const app = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const reviewed = JSON.parse(readFileSync(join(repo, 'build/licence-review.json'), 'utf8'));

const packages = new Map();
const problems = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.startsWith('node_modules/') || entry.dev || entry.devOptional) continue;
  const dir = join(repo, path);
  const manifestFile = join(dir, 'package.json');
  const installed = existsSync(manifestFile);
  const manifest = installed ? JSON.parse(readFileSync(manifestFile, 'utf8')) : {};
  const name = manifest.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const version = manifest.version ?? entry.version;
  const key = `${name}@${version}`;
  if (packages.has(key)) continue;
  const review = reviewed[key];
  const licence = licenceOf(manifest) ?? entry.license ?? review?.licence ?? null;
  const files = installed ? readdirSync(dir).filter((file) => LICENCE_FILE.test(file)).sort() : [];
  const texts = files.map((file) => readFileSync(join(dir, file), 'utf8').trim());
  if (texts.length === 0 && review) texts.push(`${review.evidence}\n\n${review.text}`);
  if (!licence && texts.length === 0) problems.push(`${key} (${path}) declares no licence and ships no licence file`);
  packages.set(key, { name, version, licence, texts, installed });
}
if (problems.length > 0) {
  console.error(`Cannot write the notices; every shipped package needs a licence:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

function licenceOf(manifest) {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license && typeof manifest.license.type === 'string') return manifest.license.type;
  if (Array.isArray(manifest.licenses)) return manifest.licenses.map((l) => l.type ?? l).join(' OR ');
  return null;
}

const rule = '='.repeat(100);
const sorted = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
const sections = sorted.map((p) => [
  rule,
  `${p.name} ${p.version} (${p.licence ?? 'see the licence text'})`,
  rule,
  p.texts.length > 0
    ? p.texts.join('\n\n')
    : p.installed
      ? `This package ships no licence file; its package.json declares the ${p.licence} licence.`
      : 'Not installed on the machine that built this file (an optional package for another platform); its licence '
        + `is ${p.licence}.`,
].join('\n'));
const text = [
  `Third-party software in ${app.productName ?? 'Stackmeter'} ${app.version}`,
  '',
  `Stackmeter is released under the ${app.license} licence. It includes the ${sorted.length} packages below, each under `
    + 'its own licence, whose text follows its name.',
  '',
  ...sections,
  '',
].join('\n');

mkdirSync(dirname(resolve(values.out)), { recursive: true });
writeFileSync(resolve(values.out), text);
console.log(`${sorted.length} packages' licences written to ${values.out}`);
