/**
 * The wire between the server and its worker processes: length-prefixed frames
 * (`u32 length, u8 type, payload`, little-endian) carrying batches of requests and replies, so one
 * write per tick carries every request that arrived in it.
 */

export const FRAME_REQUESTS = 1;
export const FRAME_REPLIES = 2;
export const FRAME_READY = 3;
export const FRAME_FATAL = 4;

/** Reply statuses. */
export const REPLY_OK = 0;
export const REPLY_BAD_INPUT = 1;
export const REPLY_MODEL_ERROR = 2;

export interface WireRequest {
  readonly id: number;
  readonly inFormat: number;
  readonly outFormat: number;
  readonly body: Uint8Array;
}

export interface WireReply {
  readonly id: number;
  readonly status: number;
  /** The answer (status OK) or the one-line error message, UTF-8. */
  readonly body: Uint8Array;
}

export interface Frame {
  readonly type: number;
  readonly payload: Buffer;
}

/** One frame: header and payload. */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt32LE(payload.length + 1, 0);
  out[4] = type;
  out.set(payload, 5);
  return out;
}

/** A batch of requests as one frame. */
export function encodeRequests(requests: readonly WireRequest[]): Buffer {
  let size = 4;
  for (const r of requests) size += 10 + r.body.length;
  const out = Buffer.allocUnsafe(5 + size);
  out.writeUInt32LE(size + 1, 0);
  out[4] = FRAME_REQUESTS;
  let o = 5;
  out.writeUInt32LE(requests.length, o);
  o += 4;
  for (const r of requests) {
    out.writeUInt32LE(r.id >>> 0, o);
    out[o + 4] = r.inFormat;
    out[o + 5] = r.outFormat;
    out.writeUInt32LE(r.body.length, o + 6);
    out.set(r.body, o + 10);
    o += 10 + r.body.length;
  }
  return out;
}

export function decodeRequests(payload: Buffer): WireRequest[] {
  const count = payload.readUInt32LE(0);
  const out: WireRequest[] = [];
  let o = 4;
  for (let i = 0; i < count; i++) {
    const len = payload.readUInt32LE(o + 6);
    out.push({ id: payload.readUInt32LE(o), inFormat: payload[o + 4]!, outFormat: payload[o + 5]!, body: payload.subarray(o + 10, o + 10 + len) });
    o += 10 + len;
  }
  return out;
}

/** A batch of replies as one frame. */
export function encodeReplies(replies: readonly WireReply[]): Buffer {
  let size = 4;
  for (const r of replies) size += 9 + r.body.length;
  const out = Buffer.allocUnsafe(5 + size);
  out.writeUInt32LE(size + 1, 0);
  out[4] = FRAME_REPLIES;
  let o = 5;
  out.writeUInt32LE(replies.length, o);
  o += 4;
  for (const r of replies) {
    out.writeUInt32LE(r.id >>> 0, o);
    out[o + 4] = r.status;
    out.writeUInt32LE(r.body.length, o + 5);
    out.set(r.body, o + 9);
    o += 9 + r.body.length;
  }
  return out;
}

export function decodeReplies(payload: Buffer): WireReply[] {
  const count = payload.readUInt32LE(0);
  const out: WireReply[] = [];
  let o = 4;
  for (let i = 0; i < count; i++) {
    const len = payload.readUInt32LE(o + 5);
    out.push({ id: payload.readUInt32LE(o), status: payload[o + 4]!, body: payload.subarray(o + 9, o + 9 + len) });
    o += 9 + len;
  }
  return out;
}

/** Cuts a byte stream into frames, whatever the chunking; a large frame's chunks are joined once, when it is complete. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private total = 0;

  /** Adds a chunk and returns every frame it completed. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.total += chunk.length;
    if (this.total < 4) return [];
    if (this.chunks[0]!.length < 4) this.join();
    const first = this.chunks[0]!.readUInt32LE(0);
    if (first < 1) throw new RangeError('frame of length 0');
    if (this.total < 4 + first) return [];
    const buffer = this.join();
    const frames: Frame[] = [];
    let o = 0;
    while (buffer.length - o >= 4) {
      const len = buffer.readUInt32LE(o);
      if (len < 1) throw new RangeError('frame of length 0');
      if (buffer.length - o - 4 < len) break;
      frames.push({ type: buffer[o + 4]!, payload: buffer.subarray(o + 5, o + 4 + len) });
      o += 4 + len;
    }
    const rest = buffer.subarray(o);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.total = rest.length;
    return frames;
  }

  private join(): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
    this.chunks = [joined];
    return joined;
  }
}
