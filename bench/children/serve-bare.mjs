// The limit for bench:serve: a minimal node:http server predicting with the same model and codecs
// (dist/), no worker processes, no capture. argv: <model.json>
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { modelFromXgboostJson, Predictor } from '../../dist/ml/index.js';
import { decodeRows, encodePredictions } from '../../dist/serving/payload-codecs.js';

const predictor = new Predictor(modelFromXgboostJson(readFileSync(process.argv[2], 'utf8')));
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const rows = decodeRows('csv', Buffer.concat(chunks).toString('utf8'), predictor.numFeature);
      const body = encodePredictions('csv', predictor.predictBatch(rows.data, rows.rows, rows.cols));
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err.message }));
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
