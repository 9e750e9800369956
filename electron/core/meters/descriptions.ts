/**
 * What each catalog meter measures and how its unit accrues, in Stackmeter's own words, per meter family. derive-catalog
 * writes the result into catalog.json; the console and `stackmeter meters` show it beside the meter.
 */
export interface DescribedMeter {
  name: string;
  unit: string;
  service: string;
  deprecated: boolean;
}

const STORAGE_KIND: Record<string, string> = { Table: 'table', Blob: 'blob', Queue: 'queue', PageBlob: 'page blob',
  BlockBlob: 'block blob' };

function storage(name: string): string | null {
  let m = /^(Table|PageBlob|Queue|BlockBlob)Capacity$/.exec(name);
  if (m) {
    return `Space taken by ${STORAGE_KIND[m[1]]} data in storage accounts, in gigabytes held for an hour: each hourly ` +
      'record is the average size during that hour, so a month of records adds up to GB×hours.';
  }
  m = /^(Table|Blob|Queue)Transactions$/.exec(name);
  if (m) {
    return `Requests made to the ${STORAGE_KIND[m[1]]} service, counted in blocks of 10,000: a quantity of 0.5 means ` +
      '5,000 requests in the period.';
  }
  m = /^(Table|Blob|Queue)DataTrans(In|Out)$/.exec(name);
  if (m) {
    return `Data ${m[2] === 'In' ? 'written into' : 'read out of'} the ${STORAGE_KIND[m[1]]} service over the ` +
      'network, in gigabytes per period.';
  }
  return null;
}

function disks(name: string, unit: string): string | null {
  const tier = /(?:^|Managed Disk )([SP]\d+)\b/.exec(name)?.[1];
  if (tier) {
    const kind = tier.startsWith('P') ? 'premium' : 'standard';
    return unit.endsWith('month')
      ? `Managed ${kind} disks of size tier ${tier}, counted per disk and month. Records arrive hourly, each carrying ` +
        'the fraction of the month that hour represents, so a disk kept all month sums to about 1.'
      : `Managed ${kind} disks of size tier ${tier}, counted per disk for each hour it exists (the older hourly form ` +
        'of this meter; stamps now report disk-months).';
  }
  const m = /^Actual(Standard|Premium)(Disk|Snapshot)Size$/.exec(name);
  if (m) {
    const what = `${m[1].toLowerCase()} managed ${m[2] === 'Disk' ? 'disks' : 'disk snapshots'}`;
    if (unit === 'GB*month') {
      return `Space actually written on ${what}, in gigabytes held for a month; hourly records carry the month's ` +
        'fraction, so 10 GB kept all month sums to about 10.';
    }
    return `Space actually written on ${what}, in bytes held for an hour (the older hourly form of this meter).`;
  }
  return null;
}

const SPECIFIC: Record<string, string> = {
  'Static IP Address Usage': 'Public IP addresses with static allocation, counted per hour held: an hourly record ' +
    'is the number of addresses, and a daily record is already multiplied by the hours, so one address kept all day ' +
    'reports 24.',
  'Dynamic IP Address Usage': 'Public IP addresses with dynamic allocation while in use, counted per hour held: an ' +
    'hourly record is the number of addresses, and a daily record is already multiplied by the hours, so one address ' +
    'kept all day reports 24.',
  'Base VM Size Hours': 'Running time of virtual machines times their virtual cores: a 4-core VM running one hour adds ' +
    '4. Windows VMs report their core hours under Windows VM Size Hours instead.',
  'Windows VM Size Hours': 'Running time of Windows virtual machines times their virtual cores, for the Windows ' +
    'licence charge on top of the base meter.',
  'VM size hours': 'Running time of virtual machines per size: each VM adds 1 for every hour it runs, with the size ' +
    'named in the record\'s additional info.',
  'DatabaseSizeHourSqlMeter': 'Size of SQL Server databases hosted by the SQL resource provider, in megabytes held ' +
    'for an hour.',
  'DatabaseSizeHourMySqlMeter': 'Size of MySQL databases hosted by the MySQL resource provider, in megabytes held ' +
    'for an hour.',
  '1 Core': 'Event Hubs clusters, per virtual core allocated to them for an hour.',
  'Key Vault transactions': 'Operations on secrets and standard keys in Key Vault, counted in blocks of 10,000.',
  'Advanced keys transactions': 'Operations on advanced (RSA 3072/4096 or HSM-style) keys in Key Vault, counted in ' +
    'blocks of 10,000.',
  'App Service': 'Virtual cores of App Service worker roles, per hour they are allocated.',
  'Functions Requests': 'Function executions, counted in groups of 10.',
  'Functions - Compute': 'Memory used by function executions times their duration, in gigabyte-seconds.',
  'SNI SSL': 'SSL bindings that use server name indication, per binding in the period.',
  'IP SSL': 'SSL bindings bound to their own IP address, per binding in the period.',
  'Web Process': 'Web sites that are running, one per active site for each hour.',
  'External Egress Bandwidth': 'Data sent by App Service apps to outside the stamp, in gigabytes.',
};

export function describeMeter(m: DescribedMeter): string {
  const text = SPECIFIC[m.name] ?? storage(m.name) ?? disks(m.name, m.unit);
  if (text) return text;
  const plan = /^(.+) App Service Hours$/.exec(m.name);
  if (plan) {
    return `App Service plan instances of the ${plan[1]} tier, one per instance for each hour it is allocated.`;
  }
  throw new Error(`no description for meter "${m.name}" (${m.service}): add one to descriptions.ts`);
}
