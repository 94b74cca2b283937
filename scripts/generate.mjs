#!/usr/bin/env node
// Generates a service's code from its contracts, run in the service's folder before it builds:
//  - the Prisma client from prisma/schema.prisma (offline: the schema engine is not needed to generate);
//  - typed resolvers from schema.graphql (GraphQL Code Generator, federation-aware), mapped per codegen.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cwd = process.cwd();

if (existsSync(path.join(cwd, 'prisma/schema.prisma'))) {
  const prisma = require.resolve('prisma/build/index.js');
  execFileSync(process.execPath, [prisma, 'generate', '--schema', 'prisma/schema.prisma'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
}

if (existsSync(path.join(cwd, 'schema.graphql'))) {
  const { codegen } = require('@graphql-codegen/core');
  const { parse } = require('graphql');
  const { buildSubgraphSchema } = require('@apollo/subgraph');
  const typescript = require('@graphql-codegen/typescript');
  const resolvers = require('@graphql-codegen/typescript-resolvers');
  const { printSchemaWithDirectives, filterSchema, pruneSchema } = require('@graphql-tools/utils');
  const config = existsSync(path.join(cwd, 'codegen.json')) ? JSON.parse(readFileSync(path.join(cwd, 'codegen.json'), 'utf8')) : {};
  const sdl = readFileSync(path.join(cwd, 'schema.graphql'), 'utf8');
  // The subgraph schema, less the federation plumbing (_entities, _service) codegen adds itself.
  // Entities reachable only through _entities are kept, or their resolvers would go untyped.
  const full = buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
  const entities = new Set((full.getType('_Entity')?.getTypes() ?? []).map((t) => t.name));
  const schema = pruneSchema(filterSchema({ schema: full, rootFieldFilter: (_, name) => !name.startsWith('_') }), {
    skipPruning: (type) => entities.has(type.name),
  });
  const output = await codegen({
    filename: 'src/generated/graphql.ts',
    schema: parse(printSchemaWithDirectives(schema)),
    schemaAst: schema,
    documents: [],
    config: { federation: true, useIndexSignature: true, enumsAsTypes: true, scalars: { DateTime: 'Date | string' }, ...config },
    plugins: [{ typescript: {} }, { typescriptResolvers: {} }],
    pluginMap: { typescript, typescriptResolvers: resolvers },
  });
  mkdirSync(path.join(cwd, 'src/generated'), { recursive: true });
  writeFileSync(
    path.join(cwd, 'src/generated/graphql.ts'),
    `/* eslint-disable */\n// Generated from schema.graphql by scripts/generate.mjs; do not edit.\n${output}`,
  );
}
