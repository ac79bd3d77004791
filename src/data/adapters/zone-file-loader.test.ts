import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { nyc, SKIP_WITHOUT_NYC } from '../../../test/support/shared-data.js';
import { tmpDir } from '../../../test/support/tmp-dir.js';
import { geoDistanceKm } from '../geo-distance.js';
import { ZoneFileLoader } from './zone-file-loader.js';

describe('ZoneFileLoader on TLC taxi_zones.zip', { skip: SKIP_WITHOUT_NYC }, () => {
  it('computes all 263 polygon centroids within 50 m of the reference centroids', async () => {
    const { source, zones } = await new ZoneFileLoader().load(nyc('taxi_zones.zip'));
    assert.equal(source, 'shapefile');
    assert.equal(zones.length, 263);
    const reference = await new ZoneFileLoader().load(nyc('taxi_zone_centroids.csv'));
    const byId = new Map(reference.zones.map((z) => [z.locationId, z]));
    let worst = 0;
    for (const z of zones) {
      const ref = byId.get(z.locationId);
      assert.ok(ref, `zone ${z.locationId} missing from the reference`);
      worst = Math.max(worst, geoDistanceKm(z.latitude, z.longitude, ref.latitude, ref.longitude) * 1000);
    }
    assert.ok(worst < 50, `worst centroid is ${worst.toFixed(2)} m away`);
  });

  it('matches polygons by OBJECTID: Central Park (43) and JFK Airport (132)', async () => {
    const { zones } = await new ZoneFileLoader().load(nyc('taxi_zones.zip'));
    const park = zones.find((z) => z.locationId === 43)!;
    const jfk = zones.find((z) => z.locationId === 132)!;
    assert.ok(geoDistanceKm(park.latitude, park.longitude, 40.7825, -73.9656) < 0.2);
    assert.ok(geoDistanceKm(jfk.latitude, jfk.longitude, 40.647, -73.7865) < 0.5);
  });

  it('rejects a zip without its .shp with one clear message', async () => {
    const dir = await tmpDir();
    const entries = unzipSync(await readFile(nyc('taxi_zones.zip')));
    delete entries['taxi_zones.shp'];
    const broken = path.join(dir, 'no-shp.zip');
    await writeFile(broken, zipSync(entries));
    await assert.rejects(new ZoneFileLoader().load(broken), { code: 'invalid_argument', message: /holds no \.shp file/ });
  });
});

describe('ZoneFileLoader on other inputs', () => {
  it('reads a centroid CSV and rejects malformed ones', async () => {
    const dir = await tmpDir();
    const good = path.join(dir, 'c.csv');
    await writeFile(good, 'LocationID,latitude,longitude\n1,40.69,-74.17\n2,40.61,-73.83\n');
    assert.deepEqual((await new ZoneFileLoader().load(good)).zones, [
      { locationId: 1, latitude: 40.69, longitude: -74.17 },
      { locationId: 2, latitude: 40.61, longitude: -73.83 },
    ]);
    const noCols = path.join(dir, 'bad.csv');
    await writeFile(noCols, 'id,x,y\n1,2,3\n');
    await assert.rejects(new ZoneFileLoader().load(noCols), { code: 'invalid_argument', message: /LocationID, latitude, longitude/ });
    const badRow = path.join(dir, 'badrow.csv');
    await writeFile(badRow, 'LocationID,latitude,longitude\n1,abc,-74\n');
    await assert.rejects(new ZoneFileLoader().load(badRow), { code: 'invalid_argument', message: /line 2/ });
  });

  it('rejects a file that is not a zip, and a missing file', async () => {
    const dir = await tmpDir();
    const notZip = path.join(dir, 'zones.zip');
    await writeFile(notZip, 'not a zip at all');
    await assert.rejects(new ZoneFileLoader().load(notZip), { code: 'invalid_argument', message: /not a readable zip/ });
    await assert.rejects(new ZoneFileLoader().load(path.join(dir, 'absent.zip')), { code: 'not_found' });
  });
});
