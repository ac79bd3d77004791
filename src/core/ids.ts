import type { Clock } from './clock.js';
import type { Random } from './random.js';

/** Makes prefixed, time-sortable ids such as `ds_01jd…`. Injected so that tests get stable ids. */
export type IdGenerator = (prefix: string) => string;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** An id generator: 10 base-32 characters of milliseconds, then 10 random ones. */
export function createIdGenerator(clock: Clock, random: Random): IdGenerator {
  return (prefix: string) => {
    let t = clock.now();
    let time = '';
    for (let i = 0; i < 10; i++) {
      time = ALPHABET.charAt(t % 32) + time;
      t = Math.floor(t / 32);
    }
    let rand = '';
    for (let i = 0; i < 10; i++) rand += ALPHABET.charAt(random.int(32));
    return `${prefix}_${time}${rand}`;
  };
}
