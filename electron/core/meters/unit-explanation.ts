/**
 * A meter's unit in words: what one unit is, how the usage API emits it per hourly or daily record, and what a sum over
 * a period means. Built from the unit text (the catalog's or a local override's) and the service, so that a meter named
 * locally with a familiar unit (`GB*hours`, `Disks*month`) is explained as well as a catalog one.
 */
export interface UnitSubject {
  unit: string;
  service: string;
}

/** What one unit counts, in the singular and plural, from the unit text before `*hours` / `*month`. */
interface Thing {
  one: string;
  many: string;
  /** How the thing accrues: disks are held, virtual machines run. */
  verb: string;
  /** What an hourly record of a few of them reports. */
  example?: string;
}

const THINGS: [RegExp, Thing][] = [
  [/^count of disks?$|^disks?$/i, { one: 'disk', many: 'disks', verb: 'held' }],
  [/^gb$|^gigabytes?$/i, { one: 'gigabyte', many: 'gigabytes', verb: 'held' }],
  [/^mb$|^megabytes?$/i, { one: 'megabyte', many: 'megabytes', verb: 'held' }],
  [/^bytes?$/i, { one: 'byte', many: 'bytes', verb: 'held' }],
  [/^virtual cores?$/i, { one: 'virtual core', many: 'virtual cores', verb: 'running',
    example: 'a 4-core virtual machine running for the hour reports 4' }],
  [/^cores?$/i, { one: 'core', many: 'cores', verb: 'in use' }],
  [/^sites?$/i, { one: 'site', many: 'sites', verb: 'running' }],
  [/^vms?$/i, { one: 'virtual machine', many: 'virtual machines', verb: 'running' }],
  [/^ip addresses$|^ips?$/i, { one: 'IP address', many: 'IP addresses', verb: 'held' }],
];

function thingOf(text: string): Thing {
  const t = text.trim();
  for (const [pattern, thing] of THINGS) if (pattern.test(t)) return thing;
  return { one: t, many: t, verb: 'used' };
}

/** Where the quantity lives, for sizes: storage accounts, databases, disks. */
function heldWhere(service: string): string {
  if (/storage/i.test(service)) return ' of data in storage accounts';
  if (/sql/i.test(service)) return ' of database size';
  return '';
}

const MONTH_FRACTIONS = '1/744 (about 0.001344) of a month in a 31-day month, 1/720 (about 0.001389) in a 30-day ' +
  'month, 1/672 in a 28-day February';

function perHour(thing: Thing, service: string, unit: string): string {
  const where = thing.one.endsWith('byte') ? heldWhere(service) : '';
  const example = thing.example ?? `3 ${thing.many} ${thing.verb} for the hour report 3`;
  return `One unit (${unit}) is one ${thing.one}${where} ${thing.verb} for one hour. An hourly record carries the ` +
    `${thing.many} ${thing.verb} during that hour (${example}); a daily record is already multiplied by the hours of ` +
    `the day, so one ${thing.one} ${thing.verb} all day reports 24. Summed over a month the quantity is ` +
    `${thing.one}-hours: divide it by the hours in the month (720 in a 30-day month, 744 in a 31-day month) for the ` +
    `average number of ${thing.many} ${thing.verb}.`;
}

function perMonth(thing: Thing, service: string, unit: string): string {
  const where = thing.one.endsWith('byte') ? heldWhere(service) : '';
  const example = thing.one === 'disk'
    ? 'one disk kept all month sums to 1, and one kept 10 days of a 31-day month to about 0.32 (240/744)'
    : `10 ${thing.many} kept all month sum to 10, and kept 10 days of a 31-day month to about 3.2`;
  return `One unit (${unit}) is one ${thing.one}${where} held for a whole calendar month. The API emits it every ` +
    `hour as a fraction of the month: each hourly record carries the ${thing.many} held times 1/(hours in the ` +
    `month), that is ${MONTH_FRACTIONS}, so ${example}. A daily record carries 24 such hours.`;
}

function blocksOf(size: string, unit: string): string {
  const what = /transaction/i.test(unit) ? 'transactions' : 'requests';
  const example = size === '10,000'
    ? `a quantity of 0.5 means 5,000 ${what} in the record's hour or day, and 12.3456 means 123,456`
    : `a quantity of 3.5 means ${Number(size) * 3.5} ${what}`;
  return `One unit (${unit}) is ${size} ${what}: ${example}. The sum over a period is the ${what} made then, ` +
    `in blocks of ${size}.`;
}

/**
 * Explains a unit in a few sentences. Unknown units are named as they are, with the one fact true of every meter (a
 * record holds its hour's or day's amount); an empty unit says the meter needs a name and unit.
 */
export function explainUnit(subject: UnitSubject): string {
  const unit = subject.unit.trim();
  const { service } = subject;
  if (unit === '') {
    return 'The catalog does not know this meter, so its unit is unknown. Give it a local name and unit once you ' +
      'know what it measures; the quantities below are shown as the API reported them.';
  }
  if (/^ip addresses$/i.test(unit)) return perHour(thingOf(unit), service, unit);

  let m = /^(.+?)\s*[*×]\s*hours?$/i.exec(unit) ?? /^(virtual core|core|vm) hours$/i.exec(unit);
  if (m) return perHour(thingOf(m[1]), service, unit);
  m = /^(.+?)\s*[*×]\s*months?$/i.exec(unit);
  if (m) return perMonth(thingOf(m[1]), service, unit);

  if (/10,?000s?\b/i.test(unit) || /^10k\b/i.test(unit)) return blocksOf('10,000', unit);
  m = /^(\d+) requests$/i.exec(unit);
  if (m) return blocksOf(m[1], unit);

  if (/^(1 )?hours?$/i.test(unit)) {
    return `One unit (${unit}) is one instance allocated for one hour: two instances kept for a day add 48. Hourly ` +
      'records carry the instances of that hour; daily records the day\'s hours added up.';
  }
  if (/^gb-?s$/i.test(unit)) {
    return `One unit (${unit}) is one gigabyte of memory used for one second: an execution using 512 MB for 2 ` +
      'seconds adds 1. The sum over a period is the memory-time used then.';
  }
  if (/^ingress\b/i.test(unit) || /^egress\b/i.test(unit) || /^gb$/i.test(unit)) {
    const direction = /^ingress/i.test(unit) ? 'into the service' : /^egress/i.test(unit) ? 'out of the service'
      : 'out of the stamp';
    return `One unit (${unit}) is one gigabyte of data transferred ${direction}. Each record carries the data moved ` +
      'in its hour or day, so the sum over a period is the data moved in that period.';
  }
  if (/binding/i.test(unit)) {
    return `One unit (${unit}) is one SSL binding in the record's hour or day. The sum over a period counts each ` +
      'binding once per record, so it is binding-hours (or binding-days) rather than distinct bindings.';
  }
  return `Quantities are in ${unit}. Each record carries the amount used in its hour (hourly records) or day (daily ` +
    'records), so the sum over a period is the amount used in that period.';
}
