import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Route } from '@hotline/shared';

/**
 * GraphiQL served from the gateway itself, its scripts read from the installed packages, so the IDE
 * works on a network with no internet (nothing is fetched from a CDN).
 */
// The browser builds are not in the packages' export maps, so they are found beside package.json.
const fileOf = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const assets: Record<string, { file: string; type: string }> = {
  '/ide/react.js': { file: fileOf('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  '/ide/react-dom.js': { file: fileOf('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  '/ide/graphiql.js': { file: fileOf('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  '/ide/graphiql.css': { file: fileOf('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const page = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>12345 接诉即办 · GraphQL</title>
  <link rel="stylesheet" href="/ide/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react.js"></script>
  <script src="/ide/react-dom.js"></script>
  <script src="/ide/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const defaultQuery = '# Mint a token with \`npm run token -- agent\` and put it in Headers:\\n#   { "Authorization": "Bearer <token>" }\\n\\nquery Categories {\\n  categories { id name children { id name } }\\n}\\n';
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultHeaders: '{ "Authorization": "Bearer " }', shouldPersistHeaders: true }),
    );
  </script>
</body>
</html>`;

export const graphiqlRoute: Route = async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (req.method !== 'GET') return false;
  const asset = assets[url.pathname];
  if (asset) {
    res.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
    res.end(readFileSync(asset.file));
    return true;
  }
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  if (url.pathname === '/' || (url.pathname === '/graphql' && wantsHtml && !url.searchParams.has('query'))) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
    return true;
  }
  return false;
};
