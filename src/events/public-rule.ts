import type { RuleRecord } from './event-store.js';

/** A rule as shown to users: webhook secrets masked. */
export function publicRule(rule: RuleRecord): RuleRecord {
  return { ...rule, targets: rule.targets.map((t) => (t.kind === 'webhook' ? { ...t, secret: '****' } : t)) };
}
