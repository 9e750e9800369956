import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where and how big the main window was: its normal (not maximised) bounds, and whether it was maximised. */
export interface WindowState {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** A display's work area (the screen minus task bars and docks), in the same coordinates as window bounds. */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The window's bounds when opening; x and y absent mean "let the system centre it". */
export interface OpeningBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1440, height: 900 };
export const MIN_SIZE = { width: 1024, height: 700 };

/** Of the title bar, at least this much must be on a screen for the saved position to be kept (enough to drag it). */
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 40;

/**
 * Where to open the window given what was saved and the displays there are now. A saved position is kept when enough of
 * its top edge is on one of today's screens (so it can be dragged), then moved and shrunk as needed to lie wholly on
 * that screen; when the screen it was on is gone (a laptop undocked, a projector unplugged), the window opens centred at
 * its saved size, shrunk to fit the primary screen. Sizes never go below the window's minimum.
 */
export function openingBounds(saved: WindowState | null, displays: readonly Area[]): OpeningBounds {
  const primary = displays[0];
  if (!saved) return { ...fitSize(DEFAULT_SIZE, primary), maximized: false };
  const grab: Area = { x: saved.x, y: saved.y, width: Math.min(saved.width, GRAB_WIDTH), height: GRAB_HEIGHT };
  const home = displays.find((area) => overlap(grab, area) >= (grab.width * grab.height) / 2);
  if (!home) return { ...fitSize(saved, primary), maximized: saved.maximized };
  const size = fitSize(saved, home);
  return {
    x: clamp(saved.x, home.x, home.x + home.width - size.width),
    y: clamp(saved.y, home.y, home.y + home.height - size.height),
    ...size,
    maximized: saved.maximized,
  };
}

function fitSize(size: { width: number; height: number }, area: Area | undefined): { width: number; height: number } {
  const maxWidth = area ? Math.max(area.width, MIN_SIZE.width) : Number.POSITIVE_INFINITY;
  const maxHeight = area ? Math.max(area.height, MIN_SIZE.height) : Number.POSITIVE_INFINITY;
  return {
    width: clamp(Math.round(size.width), MIN_SIZE.width, maxWidth),
    height: clamp(Math.round(size.height), MIN_SIZE.height, maxHeight),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}

function overlap(a: Area, b: Area): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** The saved state, or null when there is none or it is not what this version writes (then the defaults apply). */
export function parseWindowState(text: string): WindowState | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { x, y, width, height, maximized } = value as Record<string, unknown>;
  const coordinate = (n: unknown): n is number => Number.isInteger(n) && Math.abs(n as number) <= 100_000;
  const size = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 100_000;
  if (!coordinate(x) || !coordinate(y) || !size(width) || !size(height) || typeof maximized !== 'boolean') return null;
  return { x, y, width, height, maximized };
}

/** Reads the window state file; a missing, unreadable or malformed file means "no saved state". */
export function loadWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Writes the state through a temporary file and a rename, so a crash mid-write never leaves a half-written file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}
