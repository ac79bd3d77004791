// Minimal typing of the part of shpjs that driftline uses.
declare module 'shpjs' {
  interface ShapefileParts {
    shp: Uint8Array | ArrayBuffer;
    dbf?: Uint8Array | ArrayBuffer;
    prj?: string;
    cpg?: string;
  }
  interface Feature {
    type: 'Feature';
    geometry: { type: string; coordinates: unknown } | null;
    properties: Record<string, unknown>;
  }
  interface FeatureCollection {
    type: 'FeatureCollection';
    features: Feature[];
  }
  export default function getShapefile(input: ShapefileParts | ArrayBuffer | Uint8Array): Promise<FeatureCollection>;
}
