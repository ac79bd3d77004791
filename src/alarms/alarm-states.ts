// Apart from evaluate-alarm (which imports the metrics context, and with it zod): the CLI lists the states without loading either.
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
