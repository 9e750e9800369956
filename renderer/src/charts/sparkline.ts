/**
 * Sparklines for grid cells: a plain SVG polyline per row, built with DOM calls (no chart library, no HTML strings), so
 * a grid of a hundred meters draws them as cheaply as text.
 */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The polyline points of values in a width × height box, oldest left; the lowest value (or zero, when all are positive)
 * sits on the bottom edge, the highest on the top edge, with a pixel of margin so the line is not clipped.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const low = Math.min(0, ...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  // One value (a meter used on one day) is drawn as a level line across the box rather than an invisible point.
  const drawn = values.length === 1 ? [values[0]!, values[0]!] : values;
  const step = (width - 2) / (drawn.length - 1);
  return drawn
    .map((v, i) => {
      const x = 1 + i * step;
      const y = height - 1 - ((v - low) / span) * (height - 2);
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** An inline SVG sparkline, or an empty span when there is nothing to draw. */
export function sparklineElement(values: readonly number[] | undefined, label: string, width = 96, height = 20):
  Element {
  if (!values || values.length === 0) return document.createElement('span');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.classList.add('sparkline');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', sparklinePoints(values, width, height));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.25');
  line.setAttribute('stroke-linejoin', 'round');
  svg.append(line);
  return svg;
}
