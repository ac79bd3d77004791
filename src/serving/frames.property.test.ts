import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/support/property-checks.js';
import {
  decodeReplies,
  decodeRequests,
  encodeFrame,
  encodeReplies,
  encodeRequests,
  FRAME_READY,
  FRAME_REPLIES,
  FRAME_REQUESTS,
  FrameReader,
} from './frames.js';

const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const requestArb = fc.record({ id: fc.nat({ max: 0xffffffff }), inFormat: fc.nat({ max: 2 }), outFormat: fc.nat({ max: 2 }), body: bytes });
const replyArb = fc.record({ id: fc.nat({ max: 0xffffffff }), status: fc.nat({ max: 2 }), body: bytes });

describe('worker frames', () => {
  it('round-trip batches of requests and replies through any chunking of the stream', () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { maxLength: 8 }),
        fc.array(replyArb, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        (reqs, reps, cuts) => {
          const stream = Buffer.concat([encodeRequests(reqs), encodeFrame(FRAME_READY, Buffer.from([7, 0, 0, 0])), encodeReplies(reps)]);
          const reader = new FrameReader();
          const frames = [];
          let o = 0;
          for (let i = 0; o < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            frames.push(...reader.push(stream.subarray(o, o + n)));
            o += n;
          }
          assert.deepEqual(
            frames.map((f) => f.type),
            [FRAME_REQUESTS, FRAME_READY, FRAME_REPLIES],
          );
          assert.deepEqual(
            decodeRequests(frames[0]!.payload).map((r) => ({ ...r, body: Buffer.from(r.body) })),
            reqs.map((r) => ({ ...r })),
          );
          assert.equal(frames[1]!.payload.readUInt32LE(0), 7);
          assert.deepEqual(
            decodeReplies(frames[2]!.payload).map((r) => ({ ...r, body: Buffer.from(r.body) })),
            reps.map((r) => ({ ...r })),
          );
        },
      ),
      fcParams(1201, 300),
    );
  });
});
