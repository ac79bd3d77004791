/** Text made safe inside HTML. */
export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Four significant digits; values near ±1.8e308 keep the exponent form (rounded up they would overflow to Infinity). */
export const fmt = (x: number | undefined) => {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const rounded = Number(x.toPrecision(4));
  return Number.isFinite(rounded) ? rounded.toString() : x.toPrecision(4);
};

/** A run's status and message as a coloured badge line. */
export function statusLine(o: { status: string; exitMessage: string; failureReason?: string }): string {
  return `<p><span class="status ${esc(o.status)}">${esc(o.status)}</span> ${esc(o.exitMessage)}${o.failureReason ? ` — ${esc(o.failureReason)}` : ''}</p>`;
}

/** One self-contained page (inline CSS, no script, no network) with the monitoring reports' style. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px} h2{font-size:16px;margin-top:28px} h3{font-size:14px;margin:0 0 6px}
small{color:#777;font-weight:normal}
.status{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;background:#2e7d32}
.status.CompletedWithViolations{background:#c62828} .status.Failed{background:#555}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.bad{color:#c62828;font-weight:bold}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
.feature{border:1px solid #ddd;border-radius:6px;padding:10px} .feature.flagged{border-color:#c62828} .feature.unchecked{border-color:#ef6c00;border-style:dashed}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>
`;
}
