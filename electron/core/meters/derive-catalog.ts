/**
 * Derives catalog.json from the researcher's compilation of the FAQ meter table and Microsoft's usage summary script
 * (reference meters.json). Run once when that compilation changes:
 *
 *   node electron/core/meters/derive-catalog.ts /path/to/reference/meters.json
 *
 * Keeps ID, name, unit, service and the deprecated flag; drops the notes (Microsoft's prose, not ours to ship) and adds
 * our own description of each meter (descriptions.ts). Entries without a section or unit (the ones only the script
 * lists) get them from their names. The catalog's version is a hash of its content, so any change to the meters makes
 * every cache re-seed its catalog on the next start.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { CatalogMeter } from './catalog.ts';
import { describeMeter } from './descriptions.ts';

interface ReferenceMeter {
  meterId: string | null;
  name: string;
  unit: string | null;
  faqSection: string | null;
  deprecated: boolean;
}

// The FAQ's section headings, spelled as the console shows services.
const SERVICES: Record<string, string> = {
  'Network': 'Network',
  'Storage': 'Storage',
  'Compute': 'Compute',
  'Managed Disks': 'Managed Disks',
  'Sql RP': 'SQL Server',
  'MySql RP': 'MySQL Server',
  'Event Hubs': 'Event Hubs',
  'Key Vault': 'Key Vault',
  'App service': 'App Service',
  'Custom Worker Tiers': 'App Service',
};

function serviceOf(m: ReferenceMeter): string {
  if (m.faqSection) {
    const service = SERVICES[m.faqSection];
    if (!service) throw new Error(`no service for FAQ section "${m.faqSection}" (meter ${m.meterId})`);
    return service;
  }
  if (/App Service Hours$/.test(m.name)) return 'App Service';
  if (/^Managed Disk /.test(m.name)) return 'Managed Disks';
  throw new Error(`cannot tell the service of meter ${m.meterId} "${m.name}"`);
}

function unitOf(m: ReferenceMeter): string {
  if (m.unit) return m.unit;
  if (/App Service Hours$/.test(m.name)) return 'Hours';
  if (/\(Disk \* Month\)/.test(m.name)) return 'Count of Disks*month';
  if (/\(Disk \* Hour\)/.test(m.name)) return 'Count of Disks*hours';
  // The FAQ leaves Web Process's unit blank and says it is counted per active site per hour.
  if (m.name === 'Web Process') return 'Site*hours';
  throw new Error(`cannot tell the unit of meter ${m.meterId} "${m.name}"`);
}

const [referencePath] = process.argv.slice(2);
if (!referencePath) throw new Error('usage: node derive-catalog.ts <reference meters.json>');
const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as { meters: ReferenceMeter[] };

const catalog: CatalogMeter[] = reference.meters
  // "Custom Worker Tiers" has no fixed ID: each tier gets its own, which then shows up as a seen meter.
  .filter((m): m is ReferenceMeter & { meterId: string } => m.meterId !== null)
  .map((m) => {
    const meter = {
      meterId: m.meterId.toLowerCase(),
      name: m.name.replace(/ \(Deprecated\)$/, ''),
      unit: unitOf(m),
      service: serviceOf(m),
      deprecated: m.deprecated,
    };
    return { ...meter, description: describeMeter(meter) };
  });

const keys = new Set(catalog.map((m) => m.meterId.replaceAll('-', '')));
if (keys.size !== catalog.length) throw new Error('two catalog meters share an ID');

// One meter per line keeps the file readable and its diffs small.
const lines = catalog.map((m) => `    ${JSON.stringify(m)}`);
const version = createHash('sha256').update(JSON.stringify(catalog)).digest('hex').slice(0, 16);
writeFileSync(new URL('./catalog.json', import.meta.url),
  `{\n  "version": "${version}",\n  "meters": [\n${lines.join(',\n')}\n  ]\n}\n`);
console.log(`catalog.json: ${catalog.length} meters`);
