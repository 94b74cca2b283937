import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { subgraphs } from './subgraphs';

/**
 * Composes the supergraph from the subgraphs' SDL files at build time, so a breaking schema change
 * fails the build instead of production. URLs are placeholders: the gateway routes by subgraph name.
 */
export function composeSupergraph(
  sdl: Array<{ name: string; typeDefs: string }> = subgraphs.map((s) => ({ name: s.name, typeDefs: readFileSync(s.sdl, 'utf8') })),
): string {
  const result = composeServices(sdl.map((s) => ({ name: s.name, url: `http://${s.name}.invalid/graphql`, typeDefs: parse(s.typeDefs) })));
  if (result.errors) {
    throw new Error(`the subgraphs do not compose:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

if (require.main === module) {
  try {
    const out = path.join(__dirname, '../supergraph.graphql');
    writeFileSync(out, composeSupergraph());
    console.log(`supergraph composed from ${subgraphs.length} subgraphs → ${path.relative(process.cwd(), out)}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
