import RBush from 'rbush';
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import type { AreaType } from './complaint';

export type RegionLevel = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID';

export interface RegionRecord {
  id: string;
  district: string;
  level: RegionLevel;
  name: string;
  parentId: string | null;
  areaType: AreaType | null;
  boundary: Polygon | MultiPolygon | null;
}

/** Where a point lies, from the street down to the grid. */
export interface Placement {
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  areaType: AreaType | null;
}

interface Entry {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  region: RegionRecord;
}

/**
 * The district's map: finds the grid a point lies in by point-in-polygon, with an R-tree over the
 * boundaries' bounding boxes so only the few candidates around the point are tested.
 */
export class RegionMap {
  private readonly tree = new RBush<Entry>();
  private readonly byId: Map<string, RegionRecord>;

  constructor(regions: RegionRecord[]) {
    this.byId = new Map(regions.map((r) => [r.id, r]));
    this.tree.load(
      regions
        .filter((r) => r.boundary && r.level !== 'DISTRICT')
        .map((region) => {
          const [minX, minY, maxX, maxY] = bbox(region.boundary!);
          return { minX, minY, maxX, maxY, region };
        }),
    );
  }

  get(id: string): RegionRecord | undefined {
    return this.byId.get(id);
  }

  /** The region's id and the ids of every region below it. */
  descendants(id: string): string[] {
    const ids = [id];
    for (let i = 0; i < ids.length; i++) for (const r of this.byId.values()) if (r.parentId === ids[i]) ids.push(r.id);
    return ids;
  }

  /** Regions at a level, optionally only those directly below a parent. */
  atLevel(district: string, level: RegionLevel, parentId?: string | null): RegionRecord[] {
    return [...this.byId.values()].filter((r) => r.district === district && r.level === level && (!parentId || r.parentId === parentId));
  }

  /** The region and its ancestors, district first. */
  path(id: string): RegionRecord[] {
    const path: RegionRecord[] = [];
    for (let region = this.byId.get(id); region; region = region.parentId ? this.byId.get(region.parentId) : undefined)
      path.unshift(region);
    return path;
  }

  /** Places a point at the deepest region containing it; null when it lies outside every street. */
  locate(lat: number, lng: number): Placement | null {
    const rank: Record<RegionLevel, number> = { DISTRICT: 0, STREET: 1, COMMUNITY: 2, GRID: 3 };
    const containing = this.tree
      .search({ minX: lng, minY: lat, maxX: lng, maxY: lat })
      .map((e) => e.region)
      .filter((region) => booleanPointInPolygon([lng, lat], region.boundary!))
      .sort((a, b) => rank[b.level] - rank[a.level]);
    const deepest = containing[0];
    return deepest ? this.placementOf(deepest.id) : null;
  }

  /**
   * Places an address by the names it mentions (安华里社区3号楼 → 安华里社区): the deepest region of the
   * district whose name, or its name without 社区/街道, appears in it. Null when none does.
   */
  locateAddress(district: string, address: string): Placement | null {
    const rank: Record<RegionLevel, number> = { DISTRICT: 0, STREET: 1, COMMUNITY: 2, GRID: 3 };
    const named = [...this.byId.values()]
      .filter((r) => r.district === district && r.level !== 'DISTRICT')
      .filter((r) => {
        const short = r.name.replace(/(社区|街道)$/, '');
        return address.includes(r.name) || (short.length >= 2 && short !== r.name && address.includes(short));
      })
      .sort((a, b) => rank[b.level] - rank[a.level]);
    return named[0] ? this.placementOf(named[0].id) : null;
  }

  /** The placement of a region: it and its ancestors, and the nearest area type on the way up. */
  placementOf(regionId: string): Placement | null {
    const path = this.path(regionId);
    if (path.length === 0) return null;
    const at = (level: RegionLevel) => path.find((r) => r.level === level) ?? null;
    return {
      streetId: at('STREET')?.id ?? null,
      communityId: at('COMMUNITY')?.id ?? null,
      gridId: at('GRID')?.id ?? null,
      areaType: [...path].reverse().find((r) => r.areaType)?.areaType ?? null,
    };
  }
}
