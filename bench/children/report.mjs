// report() of bench/support.ts for the plain-node (.mjs) children.
import { writeFileSync } from 'node:fs';

export function report(resultFile, seconds, extra = {}) {
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(resultFile, JSON.stringify({ seconds, peakRssMb, extra }));
}
