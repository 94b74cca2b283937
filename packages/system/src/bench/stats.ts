/** Latencies in milliseconds, kept whole: a minute at 1,000/s is 60,000 numbers, cheap to sort once. */
export class Latencies {
  private readonly values: number[] = [];
  private sorted = true;

  add(ms: number): void {
    this.values.push(ms);
    this.sorted = false;
  }

  get count(): number {
    return this.values.length;
  }

  /** The nearest-rank percentile (p in 0–100), or NaN when nothing was recorded. */
  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.ceil((p / 100) * this.values.length);
    return this.values[Math.min(Math.max(rank, 1), this.values.length) - 1]!;
  }

  get max(): number {
    return this.percentile(100);
  }
}

export const ms = (value: number): string => (Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
export const perSecond = (value: number): string => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));

/** A plain-text table with aligned columns (numbers right-aligned), as it reads in a terminal and in a README. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const numeric = header.map((_, i) => rows.every((r) => /^[\d.,–/ %~-]*$/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? pad(c, widths[i]!, 'start') : pad(c, widths[i]!, 'end'))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

// CJK characters take two columns in a terminal.
const width = (text: string): number => [...text].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
const pad = (text: string, to: number, side: 'start' | 'end'): string => {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return side === 'start' ? fill + text : text + fill;
};
