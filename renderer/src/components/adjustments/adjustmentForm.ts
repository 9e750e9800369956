import type { Adjustment, AdjustmentScope, AdjustmentType } from '../../../../electron/shared/rating.ts';
import { adjustmentSchema } from '../../../../electron/shared/schemas.ts';

/**
 * The add/edit dialog of an adjustment as plain text fields, and the words the list shows. Each type has its own
 * fields (FIELDS_OF); the shape is checked here with the contract's own schema so that a typo is caught before the
 * request, and what the values mean (a discount above 100 %, a fee that stops before it starts) is the core's check,
 * whose answer names the field (fieldErrorsOf puts it next to that field).
 */

export type ScopeKind = AdjustmentScope['kind'];

/** Every text field of the dialog; which ones a type uses is FIELDS_OF. */
export interface AdjustmentForm {
  id: string;
  label: string;
  type: AdjustmentType;
  scopeKind: ScopeKind;
  /** The tenant ID, subscription ID or offer ID the scope names; unused for 'all'. */
  scopeTarget: string;
  meterId: string;
  unitPrice: string;
  percent: string;
  monthlyAmount: string;
  amount: string;
  from: string;
  to: string;
  date: string;
}

export type ValueField = 'meterId' | 'unitPrice' | 'percent' | 'monthlyAmount' | 'amount' | 'from' | 'to' | 'date';
export type FormField = 'id' | 'label' | 'type' | 'scope' | ValueField;

/** The types in the order the dialog offers them, in words. */
export const ADJUSTMENT_TYPES: readonly { value: AdjustmentType; label: string; hint: string }[] = [
  { value: 'markup', label: 'Markup', hint: 'A percentage added to the rated usage.' },
  { value: 'discount', label: 'Discount', hint: 'A percentage taken off the rated usage (at most 100 %).' },
  { value: 'price-override', label: 'Price override', hint: 'One meter charged at this unit price instead of the '
    + "card's price or tiers." },
  { value: 'recurring-fee', label: 'Recurring fee', hint: 'A fixed amount each month between two dates, prorated by '
    + 'days.' },
  { value: 'one-time-fee', label: 'One-time fee', hint: "A fixed amount charged once, in its date's month." },
  { value: 'credit', label: 'Credit', hint: "An amount given back once, in its date's month." },
  { value: 'minimum-charge', label: 'Minimum charge', hint: 'The least the scope is charged for a month; a true-up '
    + 'line makes up the difference.' },
  { value: 'tax', label: 'Tax', hint: 'A percentage of the charges, applied last (at most 100 %).' },
];

export const FIELDS_OF: Record<AdjustmentType, readonly ValueField[]> = {
  'price-override': ['meterId', 'unitPrice'],
  markup: ['percent'],
  discount: ['percent'],
  'recurring-fee': ['monthlyAmount', 'from', 'to'],
  'one-time-fee': ['amount', 'date'],
  credit: ['amount', 'date'],
  'minimum-charge': ['monthlyAmount'],
  tax: ['percent'],
};

export const FIELD_LABELS: Record<FormField, string> = {
  id: 'ID', label: 'Label', type: 'Type', scope: 'Applies to', meterId: 'Meter', unitPrice: 'Unit price',
  percent: 'Percent', monthlyAmount: 'Monthly amount', amount: 'Amount', from: 'From', to: 'Until (exclusive)',
  date: 'Date',
};

export const SCOPE_KINDS: readonly { value: ScopeKind; label: string }[] = [
  { value: 'all', label: 'All tenants' },
  { value: 'tenant', label: 'A tenant' },
  { value: 'subscription', label: 'A subscription' },
  { value: 'offer', label: 'An offer' },
];

export function typeLabel(type: AdjustmentType): string {
  return ADJUSTMENT_TYPES.find((t) => t.value === type)?.label ?? type;
}

export function emptyForm(type: AdjustmentType = 'markup'): AdjustmentForm {
  return {
    id: '', label: '', type, scopeKind: 'all', scopeTarget: '', meterId: '', unitPrice: '', percent: '',
    monthlyAmount: '', amount: '', from: '', to: '', date: '',
  };
}

function scopeTargetOf(scope: AdjustmentScope): string {
  switch (scope.kind) {
    case 'all': return '';
    case 'tenant': return scope.tenantId;
    case 'subscription': return scope.subscriptionId;
    case 'offer': return scope.offerId;
  }
}

/** The dialog's fields for a stored adjustment. */
export function formOf(adjustment: Adjustment): AdjustmentForm {
  const form: AdjustmentForm = {
    ...emptyForm(adjustment.type), id: adjustment.id, label: adjustment.label, scopeKind: adjustment.scope.kind,
    scopeTarget: scopeTargetOf(adjustment.scope),
  };
  switch (adjustment.type) {
    case 'price-override': return { ...form, meterId: adjustment.meterId, unitPrice: adjustment.unitPrice };
    case 'markup':
    case 'discount':
    case 'tax': return { ...form, percent: adjustment.percent };
    case 'recurring-fee':
      return { ...form, monthlyAmount: adjustment.monthlyAmount, from: adjustment.from, to: adjustment.to ?? '' };
    case 'one-time-fee':
    case 'credit': return { ...form, amount: adjustment.amount, date: adjustment.date };
    case 'minimum-charge': return { ...form, monthlyAmount: adjustment.monthlyAmount };
  }
}

function scopeOf(form: AdjustmentForm): AdjustmentScope {
  const target = form.scopeTarget.trim();
  switch (form.scopeKind) {
    case 'all': return { kind: 'all' };
    case 'tenant': return { kind: 'tenant', tenantId: target };
    case 'subscription': return { kind: 'subscription', subscriptionId: target };
    case 'offer': return { kind: 'offer', offerId: target };
  }
}

/** The adjustment the fields describe: only its type's fields, trimmed ("12,5" is taken as 12.5). */
export function adjustmentOf(form: AdjustmentForm): Adjustment {
  const common = { id: form.id.trim(), label: form.label.trim(), scope: scopeOf(form) };
  const decimal = (text: string) => text.trim().replace(',', '.');
  switch (form.type) {
    case 'price-override':
      return { ...common, type: form.type, meterId: form.meterId.trim(), unitPrice: decimal(form.unitPrice) };
    case 'markup':
    case 'discount':
      return { ...common, type: form.type, percent: decimal(form.percent) };
    case 'tax':
      return { ...common, type: form.type, percent: decimal(form.percent) };
    case 'recurring-fee':
      return { ...common, type: form.type, monthlyAmount: decimal(form.monthlyAmount), from: form.from.trim(),
        to: form.to.trim() === '' ? null : form.to.trim() };
    case 'one-time-fee':
    case 'credit':
      return { ...common, type: form.type, amount: decimal(form.amount), date: form.date.trim() };
    case 'minimum-charge':
      return { ...common, type: form.type, monthlyAmount: decimal(form.monthlyAmount) };
  }
}

const REQUIRED: Partial<Record<FormField, string>> = {
  id: 'Give the adjustment an ID (letters, digits, dot, dash, colon, underscore).',
  meterId: 'Choose the meter whose price is overridden.',
  unitPrice: 'Enter the unit price, such as 0.05.',
  percent: 'Enter the percentage, such as 12.5.',
  monthlyAmount: 'Enter the amount per month, such as 250.',
  amount: 'Enter the amount, such as 100.',
  from: 'Choose the first day of the fee.',
  date: 'Choose the date: it decides the month.',
};

/** The field a path of the contract's schema is about (`scope.tenantId` is the scope picker). */
function fieldOfPath(path: readonly PropertyKey[]): FormField | null {
  const first = path[0];
  if (first === 'scope') return 'scope';
  return typeof first === 'string' && first in FIELD_LABELS ? first as FormField : null;
}

/**
 * What the dialog can tell before asking the core: missing values, and text the contract would refuse (an ID with
 * spaces, "12 %" for a percentage, a date not written YYYY-MM-DD). Ranges are the core's to judge.
 */
export function formProblems(form: AdjustmentForm): Partial<Record<FormField, string>> {
  const problems: Partial<Record<FormField, string>> = {};
  const fields: FormField[] = ['id', ...FIELDS_OF[form.type]];
  for (const field of fields) {
    const message = REQUIRED[field];
    if (message && form[field as keyof AdjustmentForm].trim() === '') problems[field] = message;
  }
  if (form.scopeKind !== 'all' && form.scopeTarget.trim() === '') {
    problems.scope = `Choose the ${form.scopeKind} it applies to.`;
  }
  const parsed = adjustmentSchema.safeParse(adjustmentOf(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field && !problems[field]) problems[field] = `${FIELD_LABELS[field]} ${issue.message}.`;
    }
  }
  return problems;
}

const SERVER_FIELDS = ['id', 'label', 'scope', 'type', 'meterId', 'unitPrice', 'percent', 'monthlyAmount', 'amount',
  'from', 'to', 'date'];

/**
 * The core's refusal of a save, by field. The core names them: `Adjustment "x" is not valid: percent: Must be at most
 * 100 (got 120).` (one `field: message` per problem), a refused argument `adjustments:save: percent is not...`, or a
 * clashing price override (the meter). What names no field is left for the dialog's general message.
 */
export function fieldErrorsOf(message: string): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  const names = SERVER_FIELDS.join('|');
  const invalid = /is not valid: (.*)$/s.exec(message);
  if (invalid?.[1]) {
    const parts = invalid[1].split(new RegExp(`(?:^|\\s)((?:${names})(?:\\.\\w+)?): `));
    // split with a capture group: [before, field, text, field, text...]
    for (let i = 1; i + 1 < parts.length; i += 2) {
      const field = (parts[i] ?? '').split('.')[0] as FormField;
      errors[field] = (parts[i + 1] ?? '').trim();
    }
    return errors;
  }
  const argument = /^adjustments:save: (.*)$/s.exec(message);
  if (argument?.[1]) {
    for (const part of argument[1].split('; ')) {
      const match = new RegExp(`^((?:${names})(?:\\.\\w+)?) (.*)$`, 's').exec(part);
      if (match?.[1] && match[2]) errors[match[1].split('.')[0] as FormField] = `${match[2]}.`;
    }
    return errors;
  }
  if (/already overrides the price of meter/.test(message)) errors.meterId = message;
  return errors;
}

/** Names of tenants and subscriptions where the cache knows them, by ID (lower case). */
export interface ScopeNames {
  tenants: Map<string, string>;
  subscriptions: Map<string, string>;
}

function named(id: string, names: Map<string, string>): string {
  const name = names.get(id.toLowerCase());
  return name && name !== id ? `${name} (${id})` : id;
}

/** Who an adjustment applies to, in words: "All tenants", "Tenant contoso.example", "Subscription Dev (4f1…)". */
export function scopeText(scope: AdjustmentScope, names: ScopeNames): string {
  switch (scope.kind) {
    case 'all': return 'All tenants';
    case 'tenant': return `Tenant ${named(scope.tenantId, names.tenants)}`;
    case 'subscription': return `Subscription ${named(scope.subscriptionId, names.subscriptions)}`;
    case 'offer': return `Offer ${scope.offerId}`;
  }
}

/** The amount, percentage or price of an adjustment, as the list shows it. */
export function valueText(adjustment: Adjustment, meterName: (id: string) => string | null = () => null): string {
  switch (adjustment.type) {
    case 'price-override': {
      const name = meterName(adjustment.meterId);
      return `${adjustment.unitPrice} per unit of ${name ?? adjustment.meterId}`;
    }
    case 'markup': return `+${adjustment.percent} %`;
    case 'discount': return `−${adjustment.percent} %`;
    case 'tax': return `${adjustment.percent} %`;
    case 'recurring-fee':
    case 'minimum-charge': return `${adjustment.monthlyAmount} per month`;
    case 'one-time-fee': return adjustment.amount;
    case 'credit': return `−${adjustment.amount}`;
  }
}

/** When an adjustment applies: its dates, or every month. */
export function datesText(adjustment: Adjustment): string {
  switch (adjustment.type) {
    case 'recurring-fee':
      return adjustment.to === null ? `from ${adjustment.from}` : `${adjustment.from} to ${adjustment.to}`;
    case 'one-time-fee':
    case 'credit': return `on ${adjustment.date}`;
    default: return 'every month';
  }
}

/** A free ID for a new adjustment of a type: `tax-1`, `tax-2`... */
export function suggestId(type: AdjustmentType, taken: readonly string[]): string {
  const used = new Set(taken.map((id) => id.toLowerCase()));
  for (let n = 1; ; n++) {
    const id = `${type}-${n}`;
    if (!used.has(id)) return id;
  }
}
