/**
 * A grouped horizontal bar chart as standalone SVG, on a log scale (engines differ by orders
 * of magnitude). A missing value is drawn as its note (e.g. "wrong answer") instead of a bar.
 */
export interface ChartSeries {
  readonly name: string;
  readonly values: ReadonlyArray<number | undefined>;
  readonly notes: ReadonlyArray<string | undefined>;
}

export interface Chart {
  readonly title: string;
  readonly groups: readonly string[];
  readonly series: readonly ChartSeries[];
}

const COLORS = ['#2b6cb0', '#63b3ed', '#2f855a', '#d69e2e', '#c53030', '#805ad5', '#b7791f', '#4a5568'];
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChart(chart: Chart): string {
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && v > 0));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const left = 250;
  const plotWidth = 560;
  const bar = 13;
  const gap = 3;
  const groupGap = 18;
  const top = 44;
  const groupHeight = chart.series.length * (bar + gap) + groupGap;
  const legendRows = Math.ceil(chart.series.length / 4);
  const legendHeight = 22 * legendRows;
  const height = top + chart.groups.length * groupHeight + legendHeight + 20;
  const width = left + plotWidth + 90;
  const x = (v: number) => left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  const plotBottom = top + chart.groups.length * groupHeight - groupGap / 2;
  for (let decade = lo; decade <= hi; decade *= 10) {
    const gx = x(decade).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${plotBottom}" stroke="#ddd"/>`);
    out.push(`<text x="${gx}" y="${top - 12}" text-anchor="middle" fill="#555">${decade >= 1 ? decade : decade.toPrecision(1)}</text>`);
  }
  chart.groups.forEach((group, g) => {
    const gy = top + g * groupHeight;
    out.push(`<text x="${left - 10}" y="${gy + (chart.series.length * (bar + gap)) / 2 + 4}" text-anchor="end" font-weight="bold">${escape(group)}</text>`);
    chart.series.forEach((series, s) => {
      const y = gy + s * (bar + gap);
      const value = series.values[g];
      const color = COLORS[s % COLORS.length]!;
      if (value !== undefined && value > 0) {
        const end = x(value);
        out.push(`<rect x="${left}" y="${y}" width="${Math.max(1, end - left).toFixed(1)}" height="${bar}" fill="${color}"/>`);
        out.push(`<text x="${(end + 4).toFixed(1)}" y="${y + bar - 3}" fill="#222">${value >= 100 ? value.toFixed(0) : value.toPrecision(2)}</text>`);
      } else {
        out.push(`<text x="${left + 4}" y="${y + bar - 3}" fill="${color}" font-style="italic">${escape(series.notes[g] ?? 'not run')}</text>`);
      }
    });
  });
  chart.series.forEach((series, s) => {
    const lx = 20 + (s % 4) * 220;
    const ly = height - legendHeight + Math.floor(s / 4) * 22;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[s % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly + 10}">${escape(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
