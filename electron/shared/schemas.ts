import { z } from 'zod';
import { AUDIT_EXPORT_FORMATS, type AuditExportFormat } from './auditor.ts';
import type { Args, Method } from './contract.ts';
import {
  CHARGEBACK_EXPORT_FORMATS, CHARGEBACK_GROUPINGS, STATEMENT_EXPORT_FORMATS, type ChargebackExportFormat,
  type ChargebackGrouping, type StatementExportFormat,
} from './chargeback.ts';
import { USAGE_DIMENSIONS, type UsageDimension } from './domain.ts';

/**
 * Argument schemas, one per contract method. Both transports parse incoming arguments with these before the core sees
 * them, so a renderer bug or a hostile page cannot hand the core a malformed value. The mapped type makes a missing
 * schema a compile error.
 */
const name = z.string().trim().min(1, 'is required').max(64, 'is longer than 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain letters, digits, dot, dash and underscore only');

const httpsUrl = z.string().trim().url('is not a URL').refine((u) => u.startsWith('https://'), 'must start with https://');

const guid = z.string().trim().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'is not a GUID');

const secretSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('env'), variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name') }),
  z.object({ kind: z.literal('file'), path: z.string().trim().min(1, 'is required') }),
  z.object({ kind: z.literal('session'), value: z.string().min(1, 'is required') }),
  z.object({ kind: z.literal('protected'), value: z.string().min(1, 'is required') }),
]);

const credential = z.object({ type: z.enum(['secret', 'certificate']), source: secretSource });

/** A directory tenant: a GUID or a domain name such as contoso.onmicrosoft.com. */
const directoryTenant = z.string().trim().regex(/^([0-9a-fA-F-]{36}|[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})$/, 'is not a tenant GUID or domain');

const proxyUrl = z.string().trim().url('is not a URL').refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://');

/** A date (YYYY-MM-DD) or an hour-aligned UTC time; the core checks the order and alignment. */
const reportedTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}(:00(:00(\.0+)?)?)?(Z|\+00:00)?)?$/, 'is not a UTC date or hour (YYYY-MM-DD or YYYY-MM-DDTHH:00:00Z)');

export const connectionInputSchema = z.object({
  name,
  armEndpoint: httpsUrl,
  kind: z.enum(['operator', 'tenant']).optional(),
  clientId: z.string().trim().min(1, 'is required'),
  credential,
  tenantId: directoryTenant.optional(),
  proxy: proxyUrl.optional(),
  caPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'is not a PEM certificate' }).optional(),
  subscriptionId: guid.optional(),
});

const granularity = z.enum(['Hourly', 'Daily']);

export const syncRequestSchema = z.object({
  connection: name,
  from: reportedTime.optional(),
  to: reportedTime.optional(),
  granularity,
  sweepDeleted: z.boolean().optional(),
});

export const overviewQuerySchema = z.object({ connection: name.optional() });

/** A usage period; the core checks the order, the alignment each query needs and the span. */
export const usagePeriodSchema = z.object({ from: reportedTime, to: reportedTime }).strict();

export const meterQuerySchema = z.object({
  connection: name.optional(),
  seenOnly: z.boolean().optional(),
  period: usagePeriodSchema.optional(),
});

/** A meter ID as the API sends it: hex digits with or without hyphens, in any case. */
const meterId = z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/, 'is not a meter ID (letters, digits and hyphens)');
const label = (max: number) => z.string().trim().min(1, 'is required').max(max, `is longer than ${max} characters`);

export const meterOverrideInputSchema = z.object({
  meterId,
  name: label(120),
  unit: label(60).optional(),
  service: label(60).optional(),
  description: label(1000).optional(),
}).strict();

/** The file `stackmeter meters overrides export` writes and `... import` reads. */
export const meterOverridesFileSchema = z.object({
  format: z.literal('stackmeter-meter-overrides'),
  version: z.literal(1),
  overrides: z.array(meterOverrideInputSchema).max(10000, 'holds more than 10,000 entries'),
}).strict();

const filterValues = z.array(z.string().trim().min(1, 'holds an empty value').max(1000)).max(1000, 'holds more than 1,000 values');

export const usageFilterSchema = z.object({
  period: usagePeriodSchema.optional(),
  stamps: filterValues.optional(),
  tenants: filterValues.optional(),
  subscriptions: filterValues.optional(),
  resourceGroups: filterValues.optional(),
  resources: filterValues.optional(),
  resourceTypes: filterValues.optional(),
  locations: filterValues.optional(),
  meters: filterValues.optional(),
  services: filterValues.optional(),
  tag: z.object({ key: label(512), value: z.string().max(256).optional() }).strict().optional(),
  granularity: granularity.optional(),
}).strict();

const dimension = z.enum(USAGE_DIMENSIONS as [UsageDimension, ...UsageDimension[]]);

export const exploreQuerySchema = z.object({
  filter: usageFilterSchema,
  groupBy: z.array(dimension).min(1, 'needs at least one dimension').max(4, 'takes at most four dimensions')
    .refine((dims) => new Set(dims).size === dims.length, 'names a dimension twice'),
  tagKey: label(512).optional(),
  sort: z.object({ by: z.union([dimension, z.enum(['records', 'quantity'])]), descending: z.boolean().optional() })
    .strict().optional(),
}).strict().refine((q) => !q.groupBy.includes('tag') || q.tagKey !== undefined,
  { message: 'is required when grouping by tag', path: ['tagKey'] });

const offset = z.number().int().min(0).max(100_000_000);
const blockSize = z.number().int().min(1).max(5000, 'is more than 5,000 rows');

export const meterDetailQuerySchema = z.object({ meterId, period: usagePeriodSchema.optional(), stamp: name.optional() })
  .strict();

export const meterSeriesQuerySchema = meterDetailQuerySchema.extend({
  bucket: z.enum(['hour', 'day', 'month']),
  stackBy: z.enum(['tenant', 'subscription']),
}).strict();

export const completenessQuerySchema = z.object({ period: usagePeriodSchema, stamp: name.optional() }).strict();

// --- Rate cards, adjustments, audit -----------------------------------------------------------------------------------
// The shape is checked strictly here; what the values mean (negative prices, overlapping tiers, an unknown currency,
// a missing conversion) is the rating engine's validation, which names every problem by path for the editor. Money,
// prices and quantities are decimal strings, never numbers.

/** A decimal number written as text; a minus is let through so that the engine can say why it is wrong there. */
const decimalText = z.string().max(60, 'is longer than 60 characters')
  .regex(/^-?\d+(\.\d+)?$/, 'is not a decimal number written as text, such as "12.5"');
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date written YYYY-MM-DD');
const instantText = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, 'is not an ISO 8601 time');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'is not an ISO 4217 currency code such as USD or EUR');
/** A unit as the editor has it; may be empty while a draft is unfinished (the engine reports it). */
const unitText = z.string().max(100, 'is longer than 100 characters');
const rateCardId = z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters');
const versionNumber = z.number().int().min(1).max(1_000_000);
const reason = z.string().trim().min(1, 'is required: say why, for the audit log')
  .max(2000, 'is longer than 2,000 characters');

export const roundingPolicySchema = z.object({
  mode: z.enum(['half-up', 'half-even']),
  point: z.enum(['line', 'statement']),
}).strict();

export const conversionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('factor'), divisor: decimalText }).strict(),
  z.object({ kind: z.literal('hours-of-month') }).strict(),
  z.object({ kind: z.literal('fixed-hours'), hoursPerMonth: decimalText }).strict(),
]);

export const tierSchema = z.object({ from: decimalText, to: decimalText.nullable(), unitPrice: decimalText }).strict();
const tiers = z.array(tierSchema).max(100, 'holds more than 100 tiers');

export const meterPricingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('free') }).strict(),
  z.object({ kind: z.literal('flat'), unitPrice: decimalText }).strict(),
  z.object({ kind: z.literal('graduated'), tiers }).strict(),
  z.object({ kind: z.literal('volume'), tiers }).strict(),
]);

export const meterRateSchema = z.object({
  meterId,
  name: z.string().max(200, 'is longer than 200 characters').optional(),
  consumedUnit: unitText,
  pricingUnit: unitText,
  conversion: conversionSchema,
  /** null: listed without a price, so its usage is unrated. */
  pricing: meterPricingSchema.nullable(),
  aggregation: z.enum(['subscription', 'tenant']),
  minimumQuantity: decimalText.optional(),
  blockSize: decimalText.optional(),
}).strict();

const meterRates = z.array(meterRateSchema).max(10000, 'holds more than 10,000 meters');
const versionNote = z.string().max(2000, 'is longer than 2,000 characters');

export const rateCardDraftSchema = z.object({
  effectiveFrom: dateText,
  note: versionNote.optional(),
  meters: meterRates,
}).strict();

export const rateCardVersionSchema = z.object({
  version: versionNumber,
  effectiveFrom: dateText,
  status: z.enum(['draft', 'published']),
  publishedAt: instantText.nullable(),
  note: versionNote.optional(),
  meters: meterRates,
}).strict();

export const rateCardSchema = z.object({
  id: rateCardId,
  name: label(100),
  currency: currencyCode,
  rounding: roundingPolicySchema,
  versions: z.array(rateCardVersionSchema).max(1000, 'holds more than 1,000 versions'),
}).strict();

/** The JSON file `rates:export` writes and `rates:import` reads. */
export const rateCardFileSchema = z.object({
  format: z.literal('stackmeter-rate-card'),
  version: z.literal(1),
  card: rateCardSchema,
}).strict();

export const rateCardInputSchema = z.object({
  name: label(100),
  currency: currencyCode,
  rounding: roundingPolicySchema,
  from: z.union([z.enum(['empty', 'starter']), z.object({ copyOf: rateCardId }).strict()]).optional(),
}).strict();

const adjustmentId = z.string().trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'may contain letters, digits, dot, dash, colon and underscore only');

export const adjustmentScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('tenant'), tenantId: label(200) }).strict(),
  z.object({ kind: z.literal('subscription'), subscriptionId: label(200) }).strict(),
  z.object({ kind: z.literal('offer'), offerId: label(200) }).strict(),
]);

const adjustmentCommon = {
  id: adjustmentId,
  label: z.string().max(200, 'is longer than 200 characters'),
  scope: adjustmentScopeSchema,
};

export const adjustmentSchema = z.discriminatedUnion('type', [
  z.object({ ...adjustmentCommon, type: z.literal('price-override'), meterId, unitPrice: decimalText }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('markup'), percent: decimalText }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('discount'), percent: decimalText }).strict(),
  z.object({
    ...adjustmentCommon, type: z.literal('recurring-fee'), monthlyAmount: decimalText, from: dateText,
    to: dateText.nullable(),
  }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('one-time-fee'), amount: decimalText, date: dateText }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('minimum-charge'), monthlyAmount: decimalText }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('credit'), amount: decimalText, date: dateText }).strict(),
  z.object({ ...adjustmentCommon, type: z.literal('tax'), percent: decimalText }).strict(),
]);

const adjustmentList = z.array(adjustmentSchema).max(10000, 'holds more than 10,000 adjustments');

/** The JSON file `adjustments:export` writes and `stackmeter adjustments import` reads. */
export const adjustmentsFileSchema = z.object({
  format: z.literal('stackmeter-adjustments'),
  version: z.literal(1),
  adjustments: adjustmentList,
}).strict();

const rateCardFileFormat = z.enum(['json', 'csv']);

// --- Chargeback and statements ---------------------------------------------------------------------------------------

export const chargebackQuerySchema = z.object({
  period: usagePeriodSchema,
  rateCardId,
  by: z.enum(CHARGEBACK_GROUPINGS as [ChargebackGrouping, ...ChargebackGrouping[]]),
  tagKey: label(512).optional(),
  stamps: filterValues.optional(),
  granularity: granularity.optional(),
}).strict().refine((q) => q.by !== 'tag' || q.tagKey !== undefined,
  { message: 'is required when grouping by tag', path: ['tagKey'] });

export const statementInputSchema = z.object({
  period: usagePeriodSchema,
  rateCardId,
  stamps: filterValues.optional(),
  granularity: granularity.optional(),
}).strict();

const pdfLayout = z.enum(['per-tenant', 'combined']);

const statementId = z.string().trim().regex(/^ST-\d{6}-\d{4,}(-C\d+)?$/, 'is not a statement ID such as ST-202610-0001');

// --- Capacity model and report --------------------------------------------------------------------------------------
// The shape and the simple ranges are checked here, each failure naming its field; the core checks what needs
// arithmetic (the term's order, a name left empty after trimming) with the same field names.

/** Money, prices and capacities of the capacity model: zero or more, as text, never a float. */
const amountText = z.string().max(40, 'is longer than 40 characters')
  .regex(/^\d+(\.\d+)?$/, 'is not an amount of zero or more written as text, such as "1200.50"');
const coreCount = z.number({ error: 'is not a number of cores' }).int('is not a whole number of cores')
  .min(1, 'must be at least 1 core').max(1_000_000, 'is more than 1,000,000 cores');

export const capacityModelSchema = z.object({
  stamp: name,
  physicalCores: coreCount,
  coresSource: z.enum(['fabric', 'manual']),
  coresNote: z.string().trim().max(1000, 'is longer than 1,000 characters').optional(),
  currency: currencyCode,
  term: z.object({ from: dateText, to: dateText }).strict(),
  basePricePerCoreYear: amountText,
  addOns: z.array(z.object({
    name: label(100), pricePerCoreYear: amountText, cores: coreCount.optional(),
  }).strict()).max(50, 'holds more than 50 add-ons'),
  otherYearlyCosts: z.array(z.object({ label: label(100), amount: amountText }).strict())
    .max(100, 'holds more than 100 costs'),
  storageCapacityGB: amountText.optional(),
}).strict()
  .refine((m) => m.coresSource !== 'manual' || (m.coresNote ?? '').trim() !== '',
    { message: 'is required when the cores are entered by hand: say where the figure comes from', path: ['coresNote'] })
  .refine((m) => m.term.to >= m.term.from, { message: 'must not be before term.from', path: ['term', 'to'] });

const capacityBasisSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vcpu') }).strict(),
  z.object({
    kind: z.literal('mix'),
    weights: z.record(meterId, amountText)
      .refine((w) => Object.keys(w).length > 0, 'needs at least one meter')
      .refine((w) => Object.keys(w).length <= 100, 'holds more than 100 meters'),
  }).strict(),
  z.object({ kind: z.literal('even') }).strict(),
]);

export const capacityQuerySchema = z.object({
  stamp: name,
  period: z.object({ from: dateText, to: dateText }).strict(),
  basis: capacityBasisSchema,
  granularity: granularity.optional(),
}).strict();

export const recoveryDraftInputSchema = z.object({
  targetUtilisation: amountText,
  computeShare: amountText.optional(),
  rateCardName: label(100),
}).strict();

type ArgSchemas = { [M in Method]: z.ZodType<Args<M>> };

/** An opaque reference to a file the console picked (file-refs.ts); never a path. */
const fileRef = z.string().regex(/^file-[0-9a-f]{32}$/, 'is not a file reference');
/** A key fingerprint as a person may paste it: 64 hex digits, colons and spaces allowed. */
const fingerprint = z.string().trim().max(200, 'is longer than 200 characters')
  .regex(/^[0-9A-Fa-f:\s]+$/, 'is not a key fingerprint (hexadecimal digits)');

export const argSchemas: ArgSchemas = {
  'app:info': z.tuple([]),
  'connections:list': z.tuple([]),
  'connections:add': z.tuple([connectionInputSchema]),
  'connections:remove': z.tuple([name]),
  'sync:start': z.tuple([syncRequestSchema]),
  'sync:cancel': z.tuple([z.number().int().positive()]),
  'sync:runs': z.tuple([z.number().int().min(1).max(1000).optional()]),
  'overview:get': z.tuple([overviewQuerySchema.optional()]),
  'meters:list': z.tuple([meterQuerySchema.optional()]),
  'meters:override': z.tuple([meterOverrideInputSchema]),
  'meters:overrides': z.tuple([]),
  'meters:importOverrides': z.tuple([z.array(meterOverrideInputSchema).max(10000)]),
  'meters:unknown': z.tuple([]),
  'meters:detail': z.tuple([meterDetailQuerySchema]),
  'meters:series': z.tuple([meterSeriesQuerySchema]),
  'usage:explore': z.tuple([exploreQuerySchema, offset, blockSize]),
  'usage:records': z.tuple([usageFilterSchema, offset, blockSize]),
  'usage:export': z.tuple([exploreQuerySchema, z.enum(['csv', 'xlsx'])]),
  'usage:completeness': z.tuple([completenessQuerySchema]),
  'resources:get': z.tuple([z.string().trim().min(1, 'is required').max(1000), usagePeriodSchema.optional()]),
  'rates:list': z.tuple([]),
  'rates:get': z.tuple([rateCardId]),
  'rates:create': z.tuple([rateCardInputSchema]),
  'rates:saveDraft': z.tuple([rateCardId, versionNumber.nullable(), rateCardDraftSchema]),
  'rates:deleteDraft': z.tuple([rateCardId, versionNumber]),
  'rates:publish': z.tuple([rateCardId, versionNumber, reason]),
  'rates:import': z.tuple([
    z.string().max(5_000_000, 'is longer than 5,000,000 characters'), rateCardFileFormat,
    z.string().trim().min(1, 'is required').max(260, 'is longer than 260 characters'),
  ]),
  'rates:export': z.tuple([rateCardId, rateCardFileFormat, versionNumber.optional()]),
  'adjustments:list': z.tuple([]),
  'adjustments:save': z.tuple([adjustmentSchema, reason]),
  'adjustments:remove': z.tuple([adjustmentId, reason]),
  'adjustments:import': z.tuple([adjustmentList, reason]),
  'adjustments:export': z.tuple([]),
  'audit:list': z.tuple([offset, blockSize]),
  'audit:verify': z.tuple([]),
  'audit:export': z.tuple([z.enum(AUDIT_EXPORT_FORMATS as [AuditExportFormat, ...AuditExportFormat[]])]),
  'chargeback:run': z.tuple([chargebackQuerySchema]),
  'chargeback:lines': z.tuple([chargebackQuerySchema, z.string().trim().min(1, 'is required').max(1000), offset,
    blockSize]),
  'chargeback:whatIf': z.tuple([chargebackQuerySchema,
    z.object({ rateCardId, version: versionNumber.optional() }).strict()]),
  'chargeback:export': z.tuple([chargebackQuerySchema,
    z.enum(CHARGEBACK_EXPORT_FORMATS as [ChargebackExportFormat, ...ChargebackExportFormat[]]), pdfLayout.optional()]),
  'statements:list': z.tuple([]),
  'statements:get': z.tuple([statementId]),
  'statements:create': z.tuple([statementInputSchema]),
  'statements:finalize': z.tuple([statementId, reason]),
  'statements:replay': z.tuple([statementId]),
  'statements:correct': z.tuple([statementId, reason]),
  'statements:export': z.tuple([statementId,
    z.enum(STATEMENT_EXPORT_FORMATS as [StatementExportFormat, ...StatementExportFormat[]]), pdfLayout.optional()]),
  'capacity:models': z.tuple([]),
  'capacity:get': z.tuple([name]),
  'capacity:save': z.tuple([capacityModelSchema, reason]),
  'capacity:readCores': z.tuple([name]),
  'capacity:report': z.tuple([capacityQuerySchema]),
  'capacity:recoveryDraft': z.tuple([capacityQuerySchema, recoveryDraftInputSchema]),
  'capacity:export': z.tuple([capacityQuerySchema, z.enum(['pdf', 'xlsx'])]),
  'bundles:key': z.tuple([]),
  'bundles:trusted': z.tuple([]),
  'bundles:trust': z.tuple([fingerprint, label(120)]),
  'bundles:export': z.tuple([z.object({ period: usagePeriodSchema, stamps: z.array(name).max(100).optional() }).strict()]),
  'bundles:verify': z.tuple([fileRef]),
  'bundles:import': z.tuple([fileRef, fingerprint.optional()]),
  'usage:import': z.tuple([z.array(fileRef).min(1, 'is empty').max(100),
    z.object({ connection: name.optional(), dateFormat: z.string().trim().min(1).max(40).optional() }).strict()
      .optional()]),
};

export const METHODS = Object.keys(argSchemas) as Method[];

export function isMethod(value: string): value is Method {
  return Object.hasOwn(argSchemas, value);
}

/** Turns a zod failure into one sentence naming the field, e.g. `armEndpoint must start with https://`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.filter((p) => typeof p !== 'number' || issue.path.length === 1).join('.');
      return path ? `${path} ${issue.message}` : issue.message;
    })
    .join('; ');
}
