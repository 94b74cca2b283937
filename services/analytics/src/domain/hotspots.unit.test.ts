import { cellToParent, latLngToCell } from 'h3-js';
import { hotSpotGeoJson, hotSpotKey } from './hotspots';

const place = { district: '110199', categoryId: 'noise.night', receivedAt: new Date('2026-03-02T17:00:00.000Z'), lat: 39.9, lng: 116.45 };

describe('hot spots on the H3 grid', () => {
  it('given a located complaint, when keyed, then it is counted in its resolution-8 cell on its local day', () => {
    expect(hotSpotKey(place)).toEqual({
      district: '110199',
      day: '2026-03-03',
      cell: latLngToCell(39.9, 116.45, 8),
      categoryId: 'noise.night',
    });
  });

  it('given a complaint without coordinates or not yet received, when keyed, then it is not on the map', () => {
    expect(hotSpotKey({ ...place, lat: null, lng: null })).toBeNull();
    expect(hotSpotKey({ ...place, receivedAt: null })).toBeNull();
  });

  it('given two neighbouring cells, when mapped at a coarser resolution, then they are summed into their parent', () => {
    const a = latLngToCell(39.9, 116.45, 8);
    const b = latLngToCell(39.901, 116.452, 8);
    const map = hotSpotGeoJson(
      [
        { cell: a, count: 3 },
        { cell: b, count: 1 },
      ],
      6,
    );
    const parents = new Set([cellToParent(a, 6), cellToParent(b, 6)]);
    expect(map.features).toHaveLength(parents.size);
    expect(map.features.reduce((s, f) => s + f.properties.count, 0)).toBe(4);
  });

  it('given cells, when mapped, then each is a closed GeoJSON hexagon in [lng, lat], busiest first', () => {
    const a = latLngToCell(39.9, 116.45, 8);
    const b = latLngToCell(39.95, 116.3, 8);
    const map = hotSpotGeoJson(
      [
        { cell: a, count: 1 },
        { cell: b, count: 3 },
      ],
      8,
    );
    expect(map.features.map((f) => [f.id, f.properties.count, f.properties.share])).toEqual([
      [b, 3, 0.75],
      [a, 1, 0.25],
    ]);
    const ring = map.features[0]!.geometry.coordinates[0]!;
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
    expect(ring[0]![0]).toBeGreaterThan(100); // longitude first
  });
});
