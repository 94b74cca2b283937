import { readFileSync } from 'node:fs';
import { composeSupergraph } from './compose';
import { subgraphs } from './subgraphs';

const sdlOf = () => subgraphs.map((s) => ({ name: s.name, typeDefs: readFileSync(s.sdl, 'utf8') }));

describe('composing the supergraph', () => {
  it('composes the four subgraphs into one graph where Complaint spans all of them', () => {
    const supergraph = composeSupergraph();
    for (const name of ['INTAKE', 'DISPATCH', 'SUPERVISION', 'ANALYTICS'])
      expect(supergraph).toContain(`join__graph(name: "${name.toLowerCase()}"`);
    expect(supergraph).toMatch(/type Complaint[\s\S]*workOrders[\s\S]*deadlines/);
  });

  it('fails when a subgraph changes a shared type incompatibly', () => {
    const broken = sdlOf().map((s) =>
      s.name === 'dispatch' ? { ...s, typeDefs: `${s.typeDefs}\ntype PageInfo @shareable { hasNextPage: String! endCursor: String }` } : s,
    );
    expect(() => composeSupergraph(broken)).toThrow(/do not compose/);
  });
});
