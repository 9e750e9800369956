/** `YYYY-MM-DDTHH:MM:SSZ`: the one time format of the cache's DTOs (whole seconds, UTC). */
export function isoFromUnix(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

export function isoFromDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
