export { parseScheduleExpression, nextFireTime, nextFireTimes, type ScheduleExpression } from './schedule-expression.js';
