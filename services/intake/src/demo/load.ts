import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Logger } from '@hotline/shared';
import type { IntakeStore } from '../store/intake-store';
import type { RegionRecord } from '../domain/regions';
import type { CategoryRecord } from '../domain/categories';
import type { KnowledgeArticleRecord } from '../domain/knowledge';

/** The demo district (示范区, 110199): its boundaries and the taxonomy, shipped as data files. */
export function demoRegions(): RegionRecord[] {
  const file = path.join(__dirname, '../../src/demo/regions.geojson');
  const collection = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon,
    Omit<RegionRecord, 'boundary' | 'district'>
  >;
  return collection.features.map((f) => ({ ...f.properties, district: '110199', boundary: f.geometry }));
}

export function demoCategories(): CategoryRecord[] {
  return JSON.parse(readFileSync(path.join(__dirname, '../../src/demo/categories.json'), 'utf8')) as CategoryRecord[];
}

/** A small knowledge base of answers agents give on the spot. */
export function demoKnowledge(): KnowledgeArticleRecord[] {
  return JSON.parse(readFileSync(path.join(__dirname, '../../src/demo/knowledge.json'), 'utf8')) as KnowledgeArticleRecord[];
}

/** Loads the demo data once: rows already there are left as they are. */
export async function loadDemoData(store: IntakeStore, logger: Logger): Promise<void> {
  const regions = await store.seedRegions(demoRegions());
  const categories = await store.seedCategories(demoCategories());
  const articles = await store.seedKnowledge(demoKnowledge());
  if (regions + categories + articles > 0) logger.info({ regions, categories, articles }, 'demo district loaded');
}
