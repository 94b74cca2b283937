import { cellToBoundary, cellToParent, latLngToCell } from 'h3-js';
import { z } from 'zod';
import { dayOf } from './period';

/**
 * Hot spots (民情地图) on Uber's H3 hexagonal grid. Counters are kept at resolution 8 (cells of about
 * 0.74 km², a few blocks in town); coarser maps (down to resolution 5, about 250 km²) are sums of
 * their children, so one counter serves every zoom level.
 */
export const COUNTED_RESOLUTION = 8;

export const hotSpotArgs = z.object({
  resolution: z
    .number()
    .int()
    .min(5, 'must be at least 5')
    .max(COUNTED_RESOLUTION, `must be at most ${COUNTED_RESOLUTION}`)
    .default(COUNTED_RESOLUTION),
  categoryId: z.string().trim().min(1, 'must not be empty').nullish(),
});

export interface HotSpotKey {
  district: string;
  day: string;
  cell: string;
  categoryId: string;
}

/** Where a received, located complaint is counted on the map; null when it has no coordinates yet. */
export function hotSpotKey(c: {
  district: string;
  categoryId: string | null;
  receivedAt: Date | null;
  lat: number | null;
  lng: number | null;
}): HotSpotKey | null {
  if (c.receivedAt === null || c.categoryId === null || c.lat === null || c.lng === null) return null;
  return { district: c.district, day: dayOf(c.receivedAt), cell: latLngToCell(c.lat, c.lng, COUNTED_RESOLUTION), categoryId: c.categoryId };
}

/** GeoJSON (RFC 7946: [lng, lat], closed rings) with one hexagon per cell, the busiest first. */
export function hotSpotGeoJson(cells: Array<{ cell: string; count: number }>, resolution: number) {
  const counts = new Map<string, number>();
  for (const { cell, count } of cells) {
    const at = resolution === COUNTED_RESOLUTION ? cell : cellToParent(cell, resolution);
    counts.set(at, (counts.get(at) ?? 0) + count);
  }
  const total = [...counts.values()].reduce((s, c) => s + c, 0);
  const features = [...counts]
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([cell, count]) => ({
      type: 'Feature' as const,
      id: cell,
      properties: { cell, count, share: count / total },
      geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(cell, true)] },
    }));
  return { type: 'FeatureCollection' as const, features };
}
