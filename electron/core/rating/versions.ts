import { StackmeterError } from '../../shared/result.ts';
import { formatInstant, monthStart, nextMonth, parseDate, parseInstant, parseMonth } from './calendar.ts';
import type { MeterRate, RateCard, RateCardVersion, ValidationProblem } from '../../shared/rating.ts';
import { validateRateCardVersion } from './validate.ts';

// A version is a draft until it is published; from then on it never changes. These functions return new cards and
// leave their argument alone; a published version comes back frozen, so that code that tries to edit it fails loudly.

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function describe(problems: ValidationProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join(' ');
  return problems.length > 5 ? `${shown} (and ${problems.length - 5} more)` : shown;
}

function findVersion(card: RateCard, version: number): RateCardVersion {
  const found = card.versions.find((v) => v.version === version);
  if (!found) {
    throw new StackmeterError('NOT_FOUND', `Rate card "${card.name}" has no version ${version}.`);
  }
  return found;
}

/** The published versions, earliest effective date first. */
export function publishedVersions(card: RateCard): RateCardVersion[] {
  return card.versions.filter((v) => v.status === 'published')
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
}

/** Adds a draft version with the next version number. */
export function addDraftVersion(card: RateCard, draft: { effectiveFrom: string; meters: MeterRate[]; note?: string }):
RateCard {
  const number = card.versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
  const version: RateCardVersion = {
    version: number,
    effectiveFrom: draft.effectiveFrom,
    status: 'draft',
    publishedAt: null,
    ...(draft.note === undefined ? {} : { note: draft.note }),
    meters: draft.meters,
  };
  return { ...card, versions: [...card.versions, version] };
}

/** Changes a draft; a published version is refused (CONFLICT): publish a new version instead. */
export function updateDraftVersion(card: RateCard, version: number,
  changes: Partial<Pick<RateCardVersion, 'effectiveFrom' | 'meters' | 'note'>>): RateCard {
  const current = findVersion(card, version);
  if (current.status !== 'draft') {
    throw new StackmeterError('CONFLICT', `Version ${version} of rate card "${card.name}" is published and cannot `
      + 'change; create a new version with a later effective date instead.');
  }
  return { ...card, versions: card.versions.map((v) => (v === current ? { ...current, ...changes } : v)) };
}

/**
 * Publishes a draft: it must be valid, and take effect after every version already published, so that publishing
 * never re-prices usage that an earlier version already covers up to that date. Returns the card with the version
 * frozen.
 */
export function publishVersion(card: RateCard, version: number, publishedAt: string): RateCard {
  const draft = findVersion(card, version);
  if (draft.status !== 'draft') {
    throw new StackmeterError('CONFLICT', `Version ${version} of rate card "${card.name}" is already published.`);
  }
  const publishedMs = parseInstant(publishedAt, 'publishedAt');
  const candidate: RateCardVersion = { ...draft, status: 'published', publishedAt: formatInstant(publishedMs) };
  const problems = validateRateCardVersion(candidate);
  if (problems.length > 0) {
    throw new StackmeterError('INVALID_ARGUMENT', `Version ${version} cannot be published: ${describe(problems)}`);
  }
  const latest = publishedVersions(card).at(-1);
  if (latest && candidate.effectiveFrom <= latest.effectiveFrom) {
    throw new StackmeterError('CONFLICT', `Version ${version} takes effect on ${candidate.effectiveFrom}, not after `
      + `version ${latest.version} (${latest.effectiveFrom}); a new version must take effect after the last published `
      + 'one.');
  }
  const frozen = deepFreeze(structuredClone(candidate));
  return { ...card, versions: card.versions.map((v) => (v === draft ? frozen : v)) };
}

/** The published version pricing usage that starts at `at` (ISO instant or YYYY-MM-DD); null before the first. */
export function versionInEffect(card: RateCard, at: string): RateCardVersion | null {
  const atMs = parseInstant(at, 'at');
  return versionAt(publishedVersions(card), atMs);
}

/** The version in effect at `atMs` among published versions sorted by effective date. */
export function versionAt(published: readonly RateCardVersion[], atMs: number): RateCardVersion | null {
  let found: RateCardVersion | null = null;
  for (const version of published) {
    if (parseDate(version.effectiveFrom, 'effectiveFrom') <= atMs) found = version;
  }
  return found;
}

/**
 * The parts of a month (YYYY-MM) that one published version prices, in order: usage must be summed per part before
 * rating. A month without a version change is one part; null version: no version was in effect yet.
 */
export function versionSegments(card: RateCard, month: string):
Array<{ from: string; to: string; version: number | null }> {
  parseMonth(month, 'month');
  const start = monthStart(month);
  const end = monthStart(nextMonth(month));
  const published = publishedVersions(card);
  const cuts = [start, ...published.map((v) => parseDate(v.effectiveFrom, 'effectiveFrom'))
    .filter((ms) => ms > start && ms < end), end];
  return cuts.slice(0, -1).map((from, index) => ({
    from: formatInstant(from),
    to: formatInstant(cuts[index + 1]),
    version: versionAt(published, from)?.version ?? null,
  }));
}
