import type { Conversion, MeterPricing, MeterRate, RateCard } from '../../shared/rating.ts';
import { CATALOG, type CatalogMeter } from '../meters/catalog.ts';

/**
 * The starter rate card: every meter of the catalog with a pricing unit, a conversion and an EXAMPLE price in US
 * dollars, so that an operator starts from a complete card and changes the numbers instead of typing 84 meters. The
 * prices are loosely modelled on public cloud list prices and are not a recommendation; the name and the version note
 * say so, and the version is a draft until someone publishes it.
 */

export const STARTER_RATE_CARD_NAME = 'Starter (example prices)';

export const STARTER_NOTE = 'Example prices in USD, not a recommendation: replace them with your own before '
  + 'publishing. Capacity in GB*hours is priced per GB*month over the real hours of each month; disk meters per '
  + 'disk-month as Azure Stack Hub emits them; deprecated Byte*hours disk meters per GB*month of 730 hours (GB = 2^30 '
  + 'bytes); requests per 10,000; IP addresses, VMs and cores per hour. VM size hours are free because VMs are '
  + 'charged by their cores; ingress is free; egress is graduated per tenant and month.';

/** How each catalog unit is priced: the pricing unit and the conversion from the unit usage arrives in. */
const UNIT_RULES: Readonly<Record<string, { pricingUnit: string; conversion: Conversion }>> = {
  'IP addresses': { pricingUnit: 'IP addresses', conversion: { kind: 'none' } }, // address-hours, per hour held
  'GB*hours': { pricingUnit: 'GB*month', conversion: { kind: 'hours-of-month' } },
  'Request count in 10,000s': { pricingUnit: 'Request count in 10,000s', conversion: { kind: 'none' } },
  'Requests count in 10,000s': { pricingUnit: 'Requests count in 10,000s', conversion: { kind: 'none' } },
  'Ingress data in GB': { pricingUnit: 'Ingress data in GB', conversion: { kind: 'none' } },
  'Egress in GB': { pricingUnit: 'Egress in GB', conversion: { kind: 'none' } },
  'Virtual core hours': { pricingUnit: 'Virtual core hours', conversion: { kind: 'none' } },
  'VM hours': { pricingUnit: 'VM hours', conversion: { kind: 'none' } },
  // Emitted hourly as a fraction of the month (1/744 per hour in December), so they add up to disk-months as they are.
  'Count of Disks*month': { pricingUnit: 'Count of Disks*month', conversion: { kind: 'none' } },
  'GB*month': { pricingUnit: 'GB*month', conversion: { kind: 'none' } },
  'Count of Disks*hours': { pricingUnit: 'Count of Disks*month', conversion: { kind: 'hours-of-month' } },
  // Bytes held for an hour → GB (2^30 bytes) held for a month of 730 hours: 1073741824 × 730.
  'Byte*hours': { pricingUnit: 'GB*month (730 hours)', conversion: { kind: 'factor', divisor: '783831531520' } },
  'MB*hours': { pricingUnit: 'MB*month', conversion: { kind: 'hours-of-month' } },
  'Core*hours': { pricingUnit: 'Core*hours', conversion: { kind: 'none' } },
  '10K transactions': { pricingUnit: '10K transactions', conversion: { kind: 'none' } },
  '10 Requests': { pricingUnit: '10,000 requests', conversion: { kind: 'factor', divisor: '1000' } },
  'GB-s': { pricingUnit: 'GB-s', conversion: { kind: 'none' } },
  '1 hour': { pricingUnit: '1 hour', conversion: { kind: 'none' } },
  'Per SNI SSL Binding': { pricingUnit: 'Per SNI SSL Binding', conversion: { kind: 'none' } },
  'Per IP Based SSL Binding': { pricingUnit: 'Per IP Based SSL Binding', conversion: { kind: 'none' } },
  'Site*hours': { pricingUnit: 'Site*hours', conversion: { kind: 'none' } },
  'GB': { pricingUnit: 'GB', conversion: { kind: 'none' } },
  'Hours': { pricingUnit: 'Hours', conversion: { kind: 'none' } },
};

/** Egress: the first 10 TB of a tenant's month at one price, the next 40 TB cheaper, the rest cheaper still. */
const EGRESS: MeterPricing = {
  kind: 'graduated',
  tiers: [
    { from: '0', to: '10240', unitPrice: '0.087' },
    { from: '10240', to: '51200', unitPrice: '0.083' },
    { from: '51200', to: null, unitPrice: '0.07' },
  ],
};

/** Per disk-month, by disk size; the deprecated hourly meters of a size cost the same per month. */
const DISK = {
  S4: '1.54', S6: '3.01', S10: '5.89', S15: '11.33', S20: '21.76', S30: '40.96', S40: '77.83', S50: '148.68',
  P4: '5.28', P6: '10.21', P10: '19.71', P15: '38.01', P20: '73.22', P30: '135.17', P40: '259.05', P50: '495.57',
} as const;

/** Example price per catalog meter ID: a flat unit price per pricing unit, 'free', or tiers. */
const PRICES: Readonly<Record<string, string | 'free' | MeterPricing>> = {
  'f271a8a388c44d93956a063e1d2fa80b': '0.005', // Static IP Address Usage
  '9e2739ba86744796b465f64674b822ba': '0.004', // Dynamic IP Address Usage
  'b4438d5d-453b-4ee1-b42a-dc72e377f1e4': '0.045', // TableCapacity
  'b5c15376-6c94-4fdd-b655-1a69d138aca3': '0.05', // PageBlobCapacity
  'b03c6ae7-b080-4bfa-84a3-22c800f315c6': '0.045', // QueueCapacity
  '09f8879e-87e9-4305-a572-4b7be209f857': '0.02', // BlockBlobCapacity
  'b9ff3cd0-28aa-4762-84bb-ff8fbaea6a90': '0.0036', // TableTransactions
  '50a1aeaf-8eca-48a0-8973-a5b3077fee0d': 'free', // TableDataTransIn
  '1b8c1dec-ee42-414b-aa36-6229cf199370': EGRESS, // TableDataTransOut
  '43daf82b-4618-444a-b994-40c23f7cd438': '0.004', // BlobTransactions
  '9764f92c-e44a-498e-8dc1-aad66587a810': 'free', // BlobDataTransIn
  '3023fef4-eca5-4d7b-87b3-cfbc061931e8': EGRESS, // BlobDataTransOut
  'eb43dd12-1aa6-4c4b-872c-faf15a6785ea': '0.004', // QueueTransactions
  'e518e809-e369-4a45-9274-2017b29fff25': 'free', // QueueDataTransIn
  'dd0a10ba-a5d6-4cb6-88c0-7d585cef9fc2': EGRESS, // QueueDataTransOut
  'fab6eb84-500b-4a09-a8ca-7358f8bbaea5': '0.008', // Base VM Size Hours
  '9cd92d4c-bafd-4492-b278-bedc2de8232a': '0.046', // Windows VM Size Hours
  '6dab500f-a4fd-49c4-956d-229bb9c8c793': 'free', // VM size hours
  '380874f9-300c-48e0-95a0-d2d9a21ade8f': DISK.S4,
  '1b77d90f-427b-4435-b4f1-d78adec53222': DISK.S6,
  'd5f7731b-f639-404a-89d0-e46186e22c8d': DISK.S10,
  'ff85ef31-da5b-4eac-95dd-a69d6f97b18a': DISK.S15,
  '88ea9228-457a-4091-adc9-ad5194f30b6e': DISK.S20,
  '5b1db88a-8596-4002-8052-347947c26940': DISK.S30,
  '7660b45b-b29d-49cb-b816-59f30fbab011': DISK.P4,
  '817007fd-a077-477f-bc01-b876f27205fd': DISK.P6,
  'e554b6bc-96cd-4938-a5b5-0da990278519': DISK.P10,
  'cdc0f53a-62a9-4472-a06c-e99a23b02907': DISK.P15,
  'b9cb2d1a-84c2-4275-aa8b-70d2145d59aa': DISK.P20,
  '06bde724-9f94-43c0-84c3-d0fc54538369': DISK.P30,
  '14496322-39cb-4d33-b67d-39b0c2de0c8e': DISK.S40,
  '8c003d25-afb4-4f21-b1fa-86a5b0f001c7': DISK.S50,
  'eecb2657-e7e6-47f9-9b00-7f58fa8839cb': DISK.P40,
  '43626c21-849b-40fe-8c01-e19666059c38': DISK.P50,
  '7ba084ec-ef9c-4d64-a179-7732c6cb5e28': '0.05', // ActualStandardDiskSize
  'daef389a-06e5-4684-a7f7-8813d9f792d5': '0.12', // ActualPremiumDiskSize
  '108fa95b-be0d-4cd9-96e8-5b0d59505df1': '0.05', // ActualStandardSnapshotSize
  '578ae51d-4ef9-42f9-85ae-42b52d3d83ac': '0.12', // ActualPremiumSnapshotSize
  // Deprecated meters, still priced so that older usage is not left unrated.
  '5d76e09f-4567-452a-94cc-7d1f097761f0': DISK.S4,
  'dc9fc6a9-0782-432a-b8dc-978130457494': DISK.S6,
  'e5572fce-9f58-49d7-840c-b168c0f01fff': DISK.S10,
  '9a8caedd-1195-4cd5-80b4-a4c22f9302b8': DISK.S15,
  '5938f8da-0ecd-4c48-8d5a-c7c6c23546be': DISK.S20,
  '7705a158-bd8b-4b2b-b4c2-0782343b81e6': DISK.S30,
  '5c105f5f-cbdf-435c-b49b-3c7174856dcc': DISK.P4,
  '518b412b-1927-4f25-985f-4aea24e55c4f': DISK.P6,
  '5cfb1fed-0902-49e3-8217-9add946fd624': DISK.P10,
  '8de91c94-f740-4d9a-b665-bd5974fa08d4': DISK.P15,
  'c7e7839c-293b-4761-ae4c-848eda91130b': DISK.P20,
  '9f502103-adf4-4488-b494-456c95d23a9f': DISK.P30,
  'd9aac1eb-a5d1-42f2-b617-9e3ea94fed88': DISK.S40,
  'a54899dd-458e-4a40-9abd-f57cafd936a7': DISK.S50,
  '043757fc-049f-4e8b-8379-45bb203c36b1': DISK.P40,
  'c0342c6f-810b-4942-85d3-6eaa561b6570': DISK.P50,
  '8a409390-1913-40ae-917b-08d0f16f3c38': '0.05', // ActualStandardDiskSize (Byte*hours)
  '1273b16f-8458-4c34-8ce2-a515de551ef6': '0.12', // ActualPremiumDiskSize (Byte*hours)
  '89009682-df7f-44fe-aeb1-63fba3ddbf4c': '0.05', // ActualStandardSnapshotSize (Byte*hours)
  '95b0c03f-8a82-4524-8961-ccfbf575f536': '0.12', // ActualPremiumSnapshotSize (Byte*hours)
  '75d4b707-1027-4403-9986-6ec7c05579c8': '0.05', // ActualStandardSnapshotSize (GB*month)
  '5ca1cbb9-6f14-4e76-8be8-1ca91547965e': '0.12', // ActualPremiumSnapshotSize (GB*month)
  'cbcfef9a-b91f-4597-a4d3-01fe334bed82': '0.0002', // DatabaseSizeHourSqlMeter, per MB-month
  'e6d8cfcd-7734-495e-b1cc-5ab0b9c24bd3': '0.0002', // DatabaseSizeHourMySqlMeter, per MB-month
  'cb6a35c5-fade-406c-b14d-6ddb7c4ca3d5': '0.1', // Event Hubs, per core hour
  'ebf13b9f-b3ea-46fe-bf54-396e93d48ab4': '0.03', // Key Vault transactions
  '2c354225-b2fe-42e5-ad89-14f0ea302c87': '1', // Advanced keys transactions
  '190c935e-9ada-48ff-9ab8-56ea1cf9adaa': '0.056', // App Service, per virtual core hour
  '67cc4afc-0691-48e1-a4b8-d744d1fedbde': '0.002', // Functions Requests, per 10,000
  'd1d04836-075c-4f27-bf65-0a1130ec60ed': '0.000016', // Functions - Compute
  '957e9f36-2c14-45a1-b6a1-1723ef71a01d': '0.013', // Shared App Service Hours
  '539cdec7-b4f5-49f6-aac4-1f15cff0eda9': 'free', // Free App Service Hours
  '88039d51-a206-3a89-e9de-c5117e2d10a6': '0.1', // Small Standard App Service Hours
  '83a2a13e-4788-78dd-5d55-2831b68ed825': '0.2', // Medium Standard App Service Hours
  '1083b9db-e9bb-24be-a5e9-d6fdd0ddefe6': '0.4', // Large Standard App Service Hours
  '264acb47-ad38-47f8-add3-47f01dc4f473': '0.05', // SNI SSL
  '60b42d72-dc1c-472c-9895-6c516277edb4': '0.1', // IP SSL
  '73215a6c-fa54-4284-b9c1-7e8ec871cc5b': '0.01', // Web Process
  '5887d39b-0253-4e12-83c7-03e1a93dffd9': EGRESS, // External Egress Bandwidth
  'db658d61-ef2d-4888-9843-72f5c774fd3c': '0.075', // Small Basic App Service Hours
  '27b01104-e0df-4f30-a171-f1b00ecb76b3': '0.15', // Medium Basic App Service Hours
  '50db6a92-5dff-4c9b-8238-8ea5fb1be107': '0.3', // Large Basic App Service Hours
  '26bd6580-c3bd-4e7e-8092-58b28eb1bb94': '0.2', // Small Premium App Service Hours
  'a1cba406-e83e-45c3-bd36-485191c215d9': '0.4', // Medium Premium App Service Hours
  'a2104a9d-5a78-4f8f-a2df-034bd43d602d': '0.8', // Large Premium App Service Hours
  'a91eed6c-dbbc-4532-859c-86de776433a4': '1.6', // Extra Large Premium App Service Hours
};

function starterMeter(meter: CatalogMeter): MeterRate {
  const rule = UNIT_RULES[meter.unit];
  const price = PRICES[meter.meterId];
  if (rule === undefined || price === undefined) {
    // Only a catalog change without a matching change here gets this far; the starter card's test catches it.
    throw new Error(`The starter rate card has no ${rule === undefined ? `rule for the unit "${meter.unit}"`
      : `price for meter ${meter.meterId} (${meter.name})`}.`);
  }
  const pricing: MeterPricing = typeof price !== 'string' ? price
    : price === 'free' ? { kind: 'free' } : { kind: 'flat', unitPrice: price };
  return {
    meterId: meter.meterId,
    name: meter.name,
    consumedUnit: meter.unit,
    pricingUnit: rule.pricingUnit,
    conversion: rule.conversion,
    pricing,
    aggregation: pricing === EGRESS ? 'tenant' : 'subscription',
  };
}

/** Every catalog meter with its example price, in catalog order. Fresh objects on every call. */
export function starterMeters(): MeterRate[] {
  return structuredClone(CATALOG.map(starterMeter));
}

/** The starter card as a whole: USD, rounded half-even per line, one draft version taking effect on `effectiveFrom`. */
export function starterRateCard(id: string, effectiveFrom: string): RateCard {
  return {
    id,
    name: STARTER_RATE_CARD_NAME,
    currency: 'USD',
    rounding: { mode: 'half-even', point: 'line' },
    versions: [{
      version: 1, effectiveFrom, status: 'draft', publishedAt: null, note: STARTER_NOTE, meters: starterMeters(),
    }],
  };
}
