import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE, MIN_SIZE, loadWindowState, openingBounds, parseWindowState, saveWindowState,
} from '../../../electron/main/window-state.ts';
import type { Area, WindowState } from '../../../electron/main/window-state.ts';

const laptop: Area = { x: 0, y: 0, width: 1920, height: 1040 };
// A second screen to the right of the laptop, taller, and one to the left at negative coordinates (as Windows places it).
const rightScreen: Area = { x: 1920, y: 0, width: 2560, height: 1400 };
const leftScreen: Area = { x: -1280, y: 200, width: 1280, height: 984 };

const saved = (state: Partial<WindowState>): WindowState =>
  ({ x: 100, y: 80, width: 1500, height: 950, maximized: false, ...state });

describe('openingBounds', () => {
  it('opens centred at the default size the first time', () => {
    expect(openingBounds(null, [laptop])).toEqual({ ...DEFAULT_SIZE, maximized: false });
    // The default is shrunk to a small screen, but never below the minimum.
    expect(openingBounds(null, [{ x: 0, y: 0, width: 1280, height: 680 }]))
      .toEqual({ width: 1280, height: MIN_SIZE.height, maximized: false });
  });

  it('restores a window where it was when that place is still on a screen', () => {
    expect(openingBounds(saved({}), [laptop])).toEqual({ x: 100, y: 80, width: 1500, height: 950, maximized: false });
    expect(openingBounds(saved({ x: 2000, y: 100, width: 2000, height: 1200, maximized: true }), [laptop, rightScreen]))
      .toEqual({ x: 2000, y: 100, width: 2000, height: 1200, maximized: true });
    expect(openingBounds(saved({ x: -1200, y: 250, width: 1100, height: 800 }), [laptop, leftScreen]))
      .toEqual({ x: -1200, y: 250, width: 1100, height: 800, maximized: false });
  });

  it('pulls a window that hangs over a screen edge back onto that screen', () => {
    expect(openingBounds(saved({ x: 1200, y: 500 }), [laptop]))
      .toEqual({ x: 1920 - 1500, y: 1040 - 950, width: 1500, height: 950, maximized: false });
  });

  it('opens on the primary screen, centred, when the screen it was on is gone', () => {
    // Saved on the big right-hand screen, now undocked: the laptop alone. Shrunk to fit, centred by the system.
    expect(openingBounds(saved({ x: 2200, y: 100, width: 2400, height: 1300, maximized: true }), [laptop]))
      .toEqual({ width: 1920, height: 1040, maximized: true });
    // Only a sliver of the title bar would be visible: not enough to grab, so it is not kept.
    expect(openingBounds(saved({ x: 1900, y: 100 }), [laptop])).toEqual({ width: 1500, height: 950, maximized: false });
    // Title bar above the top of every screen.
    expect(openingBounds(saved({ x: 100, y: -500 }), [laptop])).toEqual({ width: 1500, height: 950, maximized: false });
  });

  it('never opens smaller than the minimum size', () => {
    expect(openingBounds(saved({ width: 300, height: 200 }), [laptop]))
      .toEqual({ x: 100, y: 80, ...MIN_SIZE, maximized: false });
  });

  it('still answers when the system reports no display', () => {
    expect(openingBounds(saved({}), [])).toEqual({ width: 1500, height: 950, maximized: false });
  });
});

describe('window state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmeter-window-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through the file, leaving no temporary file behind', () => {
    const file = join(dir, 'nested', 'window-state.json');
    saveWindowState(file, saved({ x: -40, maximized: true }));
    expect(loadWindowState(file)).toEqual(saved({ x: -40, maximized: true }));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['window-state.json']);
    expect(readFileSync(file, 'utf8')).toMatch(/\n$/);
  });

  it('treats a missing, damaged or foreign file as no saved state', () => {
    expect(loadWindowState(join(dir, 'missing.json'))).toBeNull();
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, '{"x": 1, "y": 2, "width": 3');
    expect(loadWindowState(damaged)).toBeNull();
  });

  it.each([
    'null', '[]', '"text"', '{}',
    '{"x":0,"y":0,"width":800,"height":600}',
    '{"x":0,"y":0,"width":800.5,"height":600,"maximized":false}',
    '{"x":0,"y":0,"width":0,"height":600,"maximized":false}',
    '{"x":"0","y":0,"width":800,"height":600,"maximized":false}',
    '{"x":1e9,"y":0,"width":800,"height":600,"maximized":false}',
    '{"x":0,"y":0,"width":800,"height":600,"maximized":"yes"}',
  ])('refuses %s', (text) => {
    expect(parseWindowState(text)).toBeNull();
  });
});
