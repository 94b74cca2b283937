import { percent } from './rates';
import type { CategoryShiftRecord, UnitProfile } from './profile';

/** An unsatisfied case as the report lists it. */
export interface UnsatisfiedCaseRecord {
  callbackId: string;
  complaintId: string;
  workOrderId: string;
  categoryId: string | null;
  solved: boolean | null;
  recordedAt: Date;
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const signed = (value: number | null): string =>
  value === null ? '—' : `${value >= 0 ? '+' : ''}${(Math.round(value * 1000) / 10).toFixed(1)}%`;

/** Horizontal bars, this month over last month per row: inline SVG, so the page prints with no network. */
function barChart(title: string, rows: Array<{ label: string; now: number; before: number; display: (v: number) => string }>): string {
  const width = 640;
  const labelWidth = 170;
  const rowHeight = 34;
  const max = Math.max(1e-9, ...rows.flatMap((r) => [r.now, r.before]));
  const scale = (v: number) => ((width - labelWidth - 70) * v) / max;
  const bars = rows
    .map((r, i) => {
      const y = 8 + i * rowHeight;
      return [
        `<text x="0" y="${y + 14}" font-size="12">${escape(r.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${scale(r.now).toFixed(1)}" height="12" fill="#c0392b"><title>本月 ${escape(r.display(r.now))}</title></rect>`,
        `<text x="${(labelWidth + scale(r.now) + 4).toFixed(1)}" y="${y + 10}" font-size="10">${escape(r.display(r.now))}</text>`,
        `<rect x="${labelWidth}" y="${y + 14}" width="${scale(r.before).toFixed(1)}" height="8" fill="#bbb"><title>上月 ${escape(r.display(r.before))}</title></rect>`,
      ].join('');
    })
    .join('');
  const height = 16 + rows.length * rowHeight;
  return `<figure><figcaption>${escape(title)} <small>(红: 本月, 灰: 上月)</small></figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">${bars}</svg></figure>`;
}

const shiftRows = (shifts: CategoryShiftRecord[]) =>
  shifts
    .map(
      (s) =>
        `<tr><td>${escape(s.categoryId)}</td><td>${s.count}</td><td>${s.previousCount}</td><td>${percent(s.share) ?? '—'}</td><td>${signed(s.growth)}</td></tr>`,
    )
    .join('');

/** The printable monthly profile (民意诉求档案) of a unit: one self-contained HTML page. */
export function renderProfileHtml(profile: UnitProfile, unsatisfied: UnsatisfiedCaseRecord[], generatedAt: Date): string {
  const name = profile.unitName ?? profile.unitId;
  const rate = (label: string, key: 'response' | 'resolution' | 'satisfaction') => ({
    label,
    now: profile.rates[key].value ?? 0,
    before: profile.previousRates[key].value ?? 0,
    display: (v: number) => percent(v) ?? '—',
  });
  const rateRow = (label: string, key: 'response' | 'resolution' | 'satisfaction') => {
    const r = profile.rates[key];
    return `<tr><td>${label}</td><td>${percent(r.value) ?? '—'}</td><td>${r.numerator} / ${r.denominator}</td><td>${percent(profile.previousRates[key].value) ?? '—'}</td></tr>`;
  };
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(name)} 民意诉求档案 ${profile.month}</title>
<style>
body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:52em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;border-bottom:2px solid #c0392b;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left}th{background:#f4f4f4}
.kpi{display:inline-block;margin-right:2em}.kpi b{font-size:1.6em;display:block}figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.4em}
@media print{body{margin:1cm}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}}
</style></head><body>
<h1>${escape(name)} · 民意诉求档案</h1>
<p>${profile.period.from} 至 ${profile.month} 月末 · 对比上月 (${profile.previousPeriod.from.slice(0, 7)}) · 生成于 ${generatedAt.toISOString()}</p>
<h2>一、诉求总量</h2>
<div class="kpi">本月工单<b>${profile.volume}</b></div><div class="kpi">上月工单<b>${profile.previousVolume}</b></div><div class="kpi">环比<b>${signed(profile.volumeGrowth)}</b></div>
<h2>二、三率</h2>
<table><tr><th>指标</th><th>本月</th><th>分子 / 分母</th><th>上月</th></tr>${rateRow('响应率', 'response')}${rateRow('解决率', 'resolution')}${rateRow('满意率', 'satisfaction')}
<tr><td>综合得分</td><td>${percent(profile.rates.composite) ?? '—'}</td><td></td><td>${percent(profile.previousRates.composite) ?? '—'}</td></tr></table>
${barChart('三率对比', [rate('响应率', 'response'), rate('解决率', 'resolution'), rate('满意率', 'satisfaction')])}
<h2>三、诉求结构 (一级类别)</h2>
${barChart(
  '各类别工单量',
  profile.structure
    .slice(0, 10)
    .map((s) => ({ label: s.categoryId, now: s.count, before: s.previousCount, display: (v: number) => String(v) })),
)}
<table><tr><th>类别</th><th>本月</th><th>上月</th><th>占比</th><th>环比</th></tr>${shiftRows(profile.structure)}</table>
<h2>四、热点问题</h2>
<table><tr><th>类别</th><th>本月</th><th>上月</th><th>占比</th><th>环比</th></tr>${shiftRows(profile.hotIssues)}</table>
<h2>五、不满意诉求 (${unsatisfied.length})</h2>
<table><tr><th>回访时间</th><th>诉求</th><th>工单</th><th>类别</th><th>是否解决</th></tr>${unsatisfied
    .map(
      (u) =>
        `<tr><td>${u.recordedAt.toISOString()}</td><td>${escape(u.complaintId)}</td><td>${escape(u.workOrderId)}</td><td>${escape(u.categoryId ?? '—')}</td><td>${u.solved === null ? '—' : u.solved ? '是' : '否'}</td></tr>`,
    )
    .join('')}</table>
</body></html>`;
}
