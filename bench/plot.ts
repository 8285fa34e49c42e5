/** One series of a line plot. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { x: number; y: number }[];
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 55 };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A small SVG line plot with a logarithmic x axis (site sizes span 10 to 10,000 files) and a linear
 * y axis from 0. No plotting dependency: the output is a few dozen elements.
 */
export function logXPlot(options: { title: string; xLabel: string; yLabel: string; series: readonly Series[] }): string {
  const all = options.series.flatMap((s) => s.points);
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x));
  const maxY = niceCeiling(Math.max(...all.map((p) => p.y)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((Math.log10(x) - Math.log10(minX)) / (Math.log10(maxX) - Math.log10(minX))) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - (y / maxY) * plotHeight;
  const f = (n: number) => n.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
  ];
  for (let decade = Math.ceil(Math.log10(minX)); decade <= Math.floor(Math.log10(maxX)); decade += 1) {
    const x = sx(10 ** decade);
    parts.push(`<line x1="${f(x)}" y1="${MARGIN.top}" x2="${f(x)}" y2="${MARGIN.top + plotHeight}" stroke="#e3e6ea"/>`);
    parts.push(`<text x="${f(x)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${(10 ** decade).toLocaleString('en-US')}</text>`);
  }
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (maxY * tick) / 4;
    const y = sy(value);
    parts.push(`<line x1="${MARGIN.left}" y1="${f(y)}" x2="${MARGIN.left + plotWidth}" y2="${f(y)}" stroke="#e3e6ea"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${f(y + 4)}" text-anchor="end">${formatTick(value)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#5b6475"/>`);
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(
    `<text x="18" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotHeight / 2})">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, index) => {
    const path = series.points.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    for (const p of series.points) parts.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3.5" fill="${series.color}"/>`);
    const legendY = MARGIN.top + 16 + index * 18;
    parts.push(`<line x1="${MARGIN.left + 12}" y1="${legendY - 4}" x2="${MARGIN.left + 32}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"/>`);
    parts.push(`<text x="${MARGIN.left + 38}" y="${legendY}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
