// Builds the synthetic stamp from a seed: tenants and subscriptions (independent of `scale`), then each subscription's
// resources with lifetimes inside the history window and the meter streams they emit. The shapes follow what real
// stamps send (see the recordings): resourceUri casing per resource provider, tags as "", "null" or double-encoded
// JSON, VM additionalInfo with ServiceType/ImageType/Publisher/Offer/Sku.

import { METERS, PREMIUM_DISKS, STANDARD_DISKS, VM_IMAGES, VM_SIZES } from './catalog.ts';
import type {
  FabricModel, FabricOptions, RecordFragments, ResourceKind, SimResource, StampSubscription, StampTenant,
} from './model.ts';
import { hashLabel, mix, Rng } from './random.ts';
import { constantStream, growingStream, monthlyStream, sparseStream, type Stream } from './streams.ts';
import { HOUR_MS } from './time.ts';

export interface BuildOptions {
  seed: number;
  tenants: number;
  scale: number;
  /** Absolute hour at which the history begins (midnight UTC). */
  originHour: number;
  historyDays: number;
  fabric?: FabricOptions;
}

export interface BuiltStamp {
  region: string;
  domain: string;
  audience: string;
  providerSubscriptionId: string;
  tenants: StampTenant[];
  subscriptions: StampSubscription[];
  resources: SimResource[];
  /** Per subscription, the half-open range of its resources in `resources`. */
  resourceRanges: Array<{ lo: number; hi: number }>;
  fabric: FabricModel;
}

const COMPANIES = [
  'Contoso', 'Fabrikam', 'Northwind Traders', 'Tailspin Toys', 'Woodgrove Bank', 'Adventure Works', 'Litware',
  'Proseware', 'Wide World Importers', 'Alpine Ski House', 'Coho Winery', 'Fourth Coffee',
];

const PURPOSES = [
  { name: 'Production', offer: 'StandardOffer', env: 'prod' },
  { name: 'Dev/Test', offer: 'DevTestOffer', env: 'dev' },
  { name: 'Analytics', offer: 'PremiumOffer', env: 'prod' },
  { name: 'Web', offer: 'StandardOffer', env: 'prod' },
  { name: 'Backup', offer: 'BasicOffer', env: 'ops' },
];

const REGIONS = ['local', 'northwest', 'westlake', 'harbor'];
const VM_PREFIXES = ['web', 'app', 'sql', 'dc', 'build', 'jump', 'etl', 'api', 'cache', 'ftp'];
const RG_PREFIXES = ['rg-web', 'rg-data', 'rg-shared', 'RG-Finance', 'rg-devtest', 'Infra-RG'];

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function buildTenants(seed: number, count: number): StampTenant[] {
  const rng = new Rng(hashLabel(seed, 'tenants'));
  const tenants: StampTenant[] = [];
  for (let i = 0; i < count; i++) {
    const company = COMPANIES[i % COMPANIES.length] as string;
    const round = Math.floor(i / COMPANIES.length);
    const name = round === 0 ? company : `${company} ${round + 1}`;
    const domain = `${slug(name)}.example`;
    tenants.push({ tenantId: rng.guid(), name, domain, owner: `ops@${domain}` });
  }
  return tenants;
}

interface Lifetime {
  createdHour: number;
  deletedHour: number;
}

/** Most resources live throughout; some are created or deleted (or both) during the history. */
function lifetime(rng: Rng, originHour: number, historyHours: number): Lifetime {
  const r = rng.next();
  const at = (from: number, to: number) => originHour + Math.floor(historyHours * (from + rng.next() * (to - from)));
  if (r < 0.62) return { createdHour: originHour, deletedHour: Infinity };
  if (r < 0.8) return { createdHour: at(0.05, 0.9), deletedHour: Infinity };
  if (r < 0.94) return { createdHour: originHour, deletedHour: at(0.1, 0.95) };
  const createdHour = at(0.05, 0.5);
  return { createdHour, deletedHour: createdHour + 48 + Math.floor(rng.next() * historyHours * 0.4) };
}

interface Draft {
  kind: ResourceKind;
  name: string;
  resourceUri: string;
  tags: string;
  additionalInfo: string;
  life: Lifetime;
  businessHoursOnly: boolean;
  streams: Stream[];
}

function jsonTags(rng: Rng, env: string): string {
  // Team handles like "@platform" are common tag values; they also start like a spreadsheet formula, which exports must
  // neutralise.
  const owner = rng.pick(['ops', 'dev', 'finance', 'data', '@platform']);
  return JSON.stringify({ costCenter: `CC-${rng.int(1000, 9999)}`, env, owner });
}

/** Decimal places that keep used/hours-in-month under the mantissa limit while showing ~14 significant digits. */
function gbMonthScale(gb: number): number {
  if (gb < 60) return 15;
  if (gb < 600) return 14;
  return 13;
}

class SubscriptionBuilder {
  readonly drafts: Draft[] = [];
  private readonly rng: Rng;
  private readonly sub: StampSubscription;
  private readonly env: string;
  private readonly originHour: number;
  private readonly historyHours: number;
  private readonly groups: string[];
  private names = 0;

  constructor(rng: Rng, sub: StampSubscription, env: string, originHour: number, historyHours: number) {
    this.rng = rng;
    this.sub = sub;
    this.env = env;
    this.originHour = originHour;
    this.historyHours = historyHours;
    const groupCount = rng.int(1, 3);
    this.groups = [];
    for (let i = 0; i < groupCount; i++) {
      this.groups.push(rng.chance(0.15) ? `vaasrg${rng.hex(4)}` : `${rng.pick(RG_PREFIXES)}-${env}${i || ''}`);
    }
  }

  private key(): number {
    return this.rng.nextUint32();
  }

  private uri(group: string, provider: string, name: string, lowerCaseGroups = false): string {
    // Storage and Key Vault report `resourcegroups/<lower-case group>`; the others keep `resourceGroups/<Group>`.
    const segment = lowerCaseGroups ? `resourcegroups/${group.toLowerCase()}` : `resourceGroups/${group}`;
    return `/subscriptions/${this.sub.subscriptionId}/${segment}/providers/${provider}/${name}`;
  }

  virtualMachine(): void {
    const rng = this.rng;
    const size = rng.pick(VM_SIZES);
    const windows = rng.chance(0.6);
    const image = rng.pick(VM_IMAGES.filter((i) => i.windows === windows));
    const life = lifetime(rng, this.originHour, this.historyHours);
    const guidNamed = rng.chance(0.1);
    const group = guidNamed ? rng.guid() : rng.pick(this.groups);
    const name = guidNamed ? rng.guid() : `${rng.pick(VM_PREFIXES)}${String(++this.names).padStart(2, '0')}`;
    const additionalInfo = JSON.stringify({
      ServiceType: size.name, ImageType: null, Publisher: image.publisher, Offer: image.offer, Sku: image.sku,
    });
    this.drafts.push({
      kind: 'virtualMachine',
      name,
      resourceUri: this.uri(group, 'Microsoft.Compute/virtualMachines', name),
      tags: rng.chance(0.55) ? 'null' : jsonTags(rng, this.env),
      additionalInfo,
      life,
      businessHoursOnly: rng.chance(0.2),
      streams: [
        constantStream(METERS.vmSizeHours, 1),
        // Windows VMs report the Windows meter in place of the base meter (as the real recording shows).
        constantStream(image.windows ? METERS.windowsVmSizeHours : METERS.baseVmSizeHours, size.vcpus),
      ],
    });
    const tiers = size.premium ? PREMIUM_DISKS : STANDARD_DISKS;
    const actualMeter = size.premium ? METERS.actualPremiumDiskSize : METERS.actualStandardDiskSize;
    const osTier = tiers[image.windows ? 2 : rng.int(1, 2)] as (typeof tiers)[number];
    this.disk(group, `${name}_OsDisk_1_${rng.hex(32)}`, osTier.meterId, actualMeter, osTier.sizeGB, life);
    const dataDisks = rng.chance(0.4) ? rng.int(1, 2) : 0;
    for (let d = 0; d < dataDisks; d++) {
      const tier = rng.pick(tiers);
      this.disk(group, `${name}_DataDisk_${d}`, tier.meterId, actualMeter, tier.sizeGB, life);
    }
    if (rng.chance(0.5)) this.publicIp(group, `${name}-ip`, METERS.dynamicIp, life);
  }

  private disk(
    group: string, name: string, tierMeter: string, actualMeter: string, sizeGB: number, life: Lifetime,
  ): void {
    const rng = this.rng;
    // Used space with eight decimals, between 4 GB and 70 % of the provisioned size.
    const usedGB = Math.round((4 + rng.next() * (sizeGB * 0.7 - 4)) * 1e8) / 1e8;
    this.drafts.push({
      kind: 'managedDisk',
      name,
      resourceUri: this.uri(group, 'Microsoft.Compute/disks', name),
      tags: '',
      additionalInfo: '',
      life,
      businessHoursOnly: false,
      streams: [monthlyStream(tierMeter, 1, 16), monthlyStream(actualMeter, usedGB, gbMonthScale(usedGB))],
    });
  }

  private publicIp(group: string, name: string, meterId: string, life: Lifetime): void {
    this.drafts.push({
      kind: 'publicIp',
      name,
      resourceUri: this.uri(group, 'Microsoft.Network/publicIPAddresses', name),
      tags: '',
      additionalInfo: '',
      life,
      businessHoursOnly: false,
      streams: [constantStream(meterId, 1)],
    });
  }

  loadBalancerIp(): void {
    const life = lifetime(this.rng, this.originHour, this.historyHours);
    const name = `lb-${this.rng.pick(VM_PREFIXES)}-pip${++this.names}`;
    this.publicIp(this.rng.pick(this.groups), name, METERS.staticIp, life);
  }

  storageAccount(): void {
    const rng = this.rng;
    const life = lifetime(rng, this.originHour, this.historyHours);
    const name = `sa${slug(this.sub.displayName).slice(0, 10)}${rng.hex(6)}`;
    const since = life.createdHour;
    const streams: Stream[] = [];
    if (rng.chance(0.25)) {
      // A nearly empty account: kilobytes of blobs, printed with an exponent (e.g. 1.52587890625E-05).
      streams.push(growingStream(METERS.blockBlobCapacity, 18, this.key(), rng.int(5e12, 9e13), 0, 1e9, since));
    } else {
      const base = rng.int(5e10, 4e13);
      streams.push(growingStream(METERS.blockBlobCapacity, 11, this.key(), base, rng.int(5e7, 2e9), 1e6, since));
    }
    if (rng.chance(0.6)) {
      const base = rng.int(1.6e12, 2e13);
      streams.push(growingStream(METERS.pageBlobCapacity, 11, this.key(), base, rng.int(0, 3e8), 1e7, since));
    }
    streams.push(
      sparseStream(METERS.blobTransactions, 4, this.key(), rng.int(40, 80), 1, 30_000),
      sparseStream(METERS.blobDataTransIn, 9, this.key(), rng.int(30, 60), 1_000, 3e9),
      sparseStream(METERS.blobDataTransOut, 9, this.key(), rng.int(30, 60), 1_000, 4e9),
    );
    if (rng.chance(0.5)) {
      streams.push(
        growingStream(METERS.tableCapacity, 18, this.key(), rng.int(1e10, 9e12), rng.int(0, 2e6), 1e6, since),
        sparseStream(METERS.tableTransactions, 4, this.key(), rng.int(20, 50), 1, 5_000),
        sparseStream(METERS.tableDataTransIn, 9, this.key(), rng.int(10, 30), 100, 2e7),
        sparseStream(METERS.tableDataTransOut, 9, this.key(), rng.int(10, 30), 100, 2e7),
      );
    }
    if (rng.chance(0.25)) {
      streams.push(
        growingStream(METERS.queueCapacity, 18, this.key(), rng.int(1e9, 5e11), 0, 1e6, since),
        sparseStream(METERS.queueTransactions, 4, this.key(), rng.int(20, 60), 1, 2_000),
        sparseStream(METERS.queueDataTransIn, 9, this.key(), rng.int(10, 30), 100, 5e6),
        sparseStream(METERS.queueDataTransOut, 9, this.key(), rng.int(10, 30), 100, 5e6),
      );
    }
    this.drafts.push({
      kind: 'storageAccount',
      name,
      resourceUri: this.uri(rng.pick(this.groups), 'Microsoft.Storage/storageAccounts', name, true),
      tags: rng.chance(0.2) ? jsonTags(rng, this.env) : '',
      additionalInfo: '',
      life,
      businessHoursOnly: false,
      streams,
    });
  }

  database(kind: 'sqlDatabase' | 'mySqlDatabase'): void {
    const rng = this.rng;
    const sql = kind === 'sqlDatabase';
    const name = `${rng.pick(['orders', 'crm', 'billing', 'inventory', 'telemetry', 'hr'])}db${++this.names}`;
    const provider = sql ? 'Microsoft.SQLAdapter/databases' : 'Microsoft.MySQLAdapter/databases';
    this.drafts.push({
      kind,
      name,
      resourceUri: this.uri(rng.pick(this.groups), provider, name),
      tags: '',
      additionalInfo: '',
      life: lifetime(rng, this.originHour, this.historyHours),
      businessHoursOnly: false,
      // MB*hours: the capacity at creation, every hour.
      streams: [
        constantStream(sql ? METERS.sqlDatabaseSize : METERS.mySqlDatabaseSize, rng.pick([1024, 2048, 5120, 10240])),
      ],
    });
  }

  appServicePlan(): void {
    const rng = this.rng;
    const medium = rng.chance(0.4);
    const instances = rng.int(1, 3);
    const name = `plan-${rng.pick(VM_PREFIXES)}${++this.names}`;
    this.drafts.push({
      kind: 'appServicePlan',
      name,
      resourceUri: this.uri(rng.pick(this.groups), 'Microsoft.Web/serverfarms', name),
      tags: rng.chance(0.3) ? jsonTags(rng, this.env) : '',
      additionalInfo: '',
      life: lifetime(rng, this.originHour, this.historyHours),
      businessHoursOnly: false,
      streams: [
        constantStream(METERS.appService, instances * (medium ? 2 : 1)),
        constantStream(medium ? METERS.mediumStandardAppServiceHours : METERS.smallStandardAppServiceHours, instances),
      ],
    });
  }

  keyVault(): void {
    const rng = this.rng;
    const name = `kv-${slug(this.sub.displayName).slice(0, 12)}-${rng.hex(4)}`;
    this.drafts.push({
      kind: 'keyVault',
      name,
      resourceUri: this.uri(rng.pick(this.groups), 'Microsoft.KeyVault/vaults', name, true),
      tags: '',
      additionalInfo: '',
      life: lifetime(rng, this.originHour, this.historyHours),
      businessHoursOnly: false,
      streams: [sparseStream(METERS.keyVaultTransactions, 4, this.key(), rng.int(30, 70), 1, 800)],
    });
  }
}

function recordFragments(provider: string, sub: string, meterId: string, instanceData: string): RecordFragments {
  const name = `${sub}-${meterId}`;
  const rest = `/providers/Microsoft.Commerce/UsageAggregate/${name}","name":"${name}",` +
    `"type":"Microsoft.Commerce/UsageAggregate","properties":{"subscriptionId":"${sub}","usageStartTime":"`;
  return {
    adminHead: `{"id":"/subscriptions/${provider}${rest}`,
    tenantHead: `{"id":"/subscriptions/${sub}${rest}`,
    middle: `","instanceData":${JSON.stringify(instanceData)},"quantity":`,
    tail: `,"meterId":"${meterId}","name":"${name}"}}`,
  };
}

function buildFabric(seed: number, options: FabricOptions = {}): FabricModel {
  const rng = new Rng(hashLabel(seed, 'fabric'));
  const count = options.nodes ?? 4;
  const nodes = [];
  for (let i = 0; i < count; i++) {
    nodes.push({
      name: `AZS-R1S${String(rng.int(10, 40))}U${String(9 + 2 * i).padStart(2, '0')}`,
      cores: options.coresPerNode ?? 48,
      memoryGB: options.memoryGBPerNode ?? 383.460938,
      serialNumber: rng.hex(7).toUpperCase(),
      bmcAddress: `10.0.1.${11 + i}`,
    });
  }
  return { scaleUnitName: 's-cluster', vendor: 'DELL', model: 'PowerEdge R640', nodes };
}

export function buildStamp(options: BuildOptions): BuiltStamp {
  const { seed, scale, originHour } = options;
  const historyHours = options.historyDays * 24;
  const top = new Rng(hashLabel(seed, 'stamp'));
  const region = REGIONS[top.nextUint32() % REGIONS.length] as string;
  const domain = 'azurestack.external';
  const audience = `https://adminmanagement.${region}.${domain}/${top.guid()}`;
  const providerSubscriptionId = top.guid();
  const tenants = buildTenants(seed, options.tenants);

  const subscriptions: StampSubscription[] = [];
  const resources: SimResource[] = [];
  const resourceRanges: Array<{ lo: number; hi: number }> = [];
  const trials = Math.max(1, Math.round(scale));

  tenants.forEach((tenant, t) => {
    const tenantRng = new Rng(hashLabel(seed, `tenant:${t}`));
    const subCount = tenantRng.int(1, 3);
    for (let s = 0; s < subCount; s++) {
      const purpose = PURPOSES[(t + s * 2) % PURPOSES.length] as (typeof PURPOSES)[number];
      const offerGroup = `rg-offers-${purpose.env}`;
      const sub: StampSubscription = {
        subscriptionId: tenantRng.guid(),
        displayName: `${tenant.name} ${purpose.name}`,
        owner: tenant.owner,
        tenantId: tenant.tenantId,
        offerName: purpose.offer,
        offerId: `/subscriptions/${providerSubscriptionId}/resourceGroups/${offerGroup}/providers/` +
          `Microsoft.Subscriptions.Admin/offers/${purpose.offer}`,
        state: 'Enabled',
      };
      const subIndex = subscriptions.length;
      subscriptions.push(sub);

      // Resources come from their own generator so that tenants and subscriptions do not depend on `scale`.
      const rng = new Rng(hashLabel(seed, `resources:${subIndex}`));
      const b = new SubscriptionBuilder(rng, sub, purpose.env, originHour, historyHours);
      const vms = Math.round(rng.int(1, 3) * scale);
      const accounts = Math.round(rng.int(1, 2) * scale);
      for (let i = 0; i < vms; i++) b.virtualMachine();
      for (let i = 0; i < accounts; i++) b.storageAccount();
      for (let i = 0; i < trials; i++) {
        if (rng.chance(0.35)) b.database('sqlDatabase');
        if (rng.chance(0.15)) b.database('mySqlDatabase');
        if (rng.chance(0.3)) b.appServicePlan();
        if (rng.chance(0.35)) b.keyVault();
        if (rng.chance(0.25)) b.loadBalancerIp();
      }

      const lo = resources.length;
      for (const d of b.drafts) {
        const instanceData = JSON.stringify({
          'Microsoft.Resources': {
            resourceUri: d.resourceUri, location: region, tags: d.tags, additionalInfo: d.additionalInfo,
          },
        });
        resources.push({
          info: {
            subscriptionId: sub.subscriptionId,
            kind: d.kind,
            name: d.name,
            resourceUri: d.resourceUri,
            createdMs: d.life.createdHour > originHour ? d.life.createdHour * HOUR_MS : null,
            deletedMs: Number.isFinite(d.life.deletedHour) ? d.life.deletedHour * HOUR_MS : null,
            businessHoursOnly: d.businessHoursOnly,
            meterIds: d.streams.map((st) => st.meterId),
            instanceData,
          },
          subscriptionIndex: subIndex,
          key: mix(hashLabel(seed, 'lag'), resources.length),
          createdHour: d.life.createdHour,
          deletedHour: d.life.deletedHour,
          businessHoursOnly: d.businessHoursOnly,
          streams: d.streams,
          fragments: d.streams.map((st) =>
            recordFragments(providerSubscriptionId, sub.subscriptionId, st.meterId, instanceData)),
        });
      }
      resourceRanges.push({ lo, hi: resources.length });
    }
  });

  return {
    region, domain, audience, providerSubscriptionId, tenants, subscriptions, resources, resourceRanges,
    fabric: buildFabric(seed, options.fabric),
  };
}
