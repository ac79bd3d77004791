/**
 * One serving worker process (an endpoint variant's "instance"): loads an XGBoost JSON model and
 * answers batches of requests arriving as frames on fd 3 (a socket pair with the server). It exits
 * when the server goes away (fd 3 closes, or its parent changes).
 *
 * argv: --model <path> [--sha256 <hex>]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { isAppError, oneLine } from '../../core/errors.js';
import { modelFromXgboostJson, Predictor } from '../../ml/index.js';
import {
  decodeRequests,
  encodeFrame,
  encodeReplies,
  FRAME_FATAL,
  FRAME_READY,
  FRAME_REQUESTS,
  FrameReader,
  REPLY_BAD_INPUT,
  REPLY_MODEL_ERROR,
  REPLY_OK,
  type WireReply,
  type WireRequest,
} from '../frames.js';
import { decodeRows, encodePredictions, FORMATS_BY_CODE } from '../payload-codecs.js';

const socket = new net.Socket({ fd: 3, readable: true, writable: true });
const quit = () => process.exit(0);
socket.on('end', quit);
socket.on('close', quit);
socket.on('error', quit);
// A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole process group: the worker
// leaves it to the server, which answers what is in flight and then closes fd 3.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) quit();
}, 1000).unref();

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const decoder = new TextDecoder();

function answer(predictor: Predictor, r: WireRequest): WireReply {
  const inFormat = FORMATS_BY_CODE[r.inFormat];
  const outFormat = FORMATS_BY_CODE[r.outFormat];
  try {
    if (!inFormat || !outFormat) return { id: r.id, status: REPLY_BAD_INPUT, body: Buffer.from('unsupported payload format') };
    const rows = decodeRows(inFormat, decoder.decode(r.body), predictor.numFeature);
    const predictions = predictor.predictBatch(rows.data, rows.rows, rows.cols);
    return { id: r.id, status: REPLY_OK, body: Buffer.from(encodePredictions(outFormat, predictions)) };
  } catch (err) {
    const status = isAppError(err) && err.code === 'invalid_argument' ? REPLY_BAD_INPUT : REPLY_MODEL_ERROR;
    return { id: r.id, status, body: Buffer.from(oneLine(err)) };
  }
}

async function main(): Promise<void> {
  let predictor: Predictor;
  try {
    const file = arg('--model');
    if (!file) throw new Error('no --model given');
    const bytes = await readFile(file);
    const sha = arg('--sha256');
    if (sha && sha !== '' && createHash('sha256').update(bytes).digest('hex') !== sha.toLowerCase()) {
      throw new Error(`model ${file} does not have the registered SHA-256 ${sha}`);
    }
    predictor = new Predictor(modelFromXgboostJson(bytes.toString('utf8')));
  } catch (err) {
    socket.end(encodeFrame(FRAME_FATAL, Buffer.from(`cannot load the model: ${oneLine(err)}`)), () => process.exit(1));
    return;
  }
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      if (frame.type !== FRAME_REQUESTS) continue;
      const requests = decodeRequests(frame.payload);
      const replies = new Array<WireReply>(requests.length);
      for (let i = 0; i < requests.length; i++) replies[i] = answer(predictor, requests[i]!);
      socket.write(encodeReplies(replies));
    }
  });
  const ready = Buffer.alloc(4);
  ready.writeUInt32LE(predictor.numFeature, 0);
  socket.write(encodeFrame(FRAME_READY, ready));
}

void main();
