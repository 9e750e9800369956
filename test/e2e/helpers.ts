import type { Locator, Page } from '@playwright/test';

// What the specs read off the console's page: grid rows, counts, and whether a chart really drew.

/** The data rows a grid has rendered (not its header or pinned totals row). */
export const dataRows = (grid: Locator): Locator => grid.locator('.ag-row[row-index]:not(.ag-row-pinned)');

/** A count shown in the console (formatted in the browser's locale), as a number. */
export async function countIn(locator: Locator): Promise<number> {
  return Number((await locator.innerText()).replace(/\D/g, ''));
}

/** Painted pixels of the first canvas inside the element with this test id: Chart.js really drew something. */
export async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });
}
