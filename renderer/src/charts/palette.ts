/**
 * Series colours: a qualitative palette (Tableau 10) whose neighbours stay distinguishable, with a neutral grey kept
 * for the "other services" bucket.
 */
export const SERIES_COLORS = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6',
] as const;

export const OTHER_COLOR = '#bab0ac';

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? OTHER_COLOR;
}
