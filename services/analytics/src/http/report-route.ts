import { GraphQLError } from 'graphql';
import { CALLER_HEADER, verifyCaller, type Route } from '@hotline/shared';
import type { ProfileManager } from '../use-cases/profile-manager';

const PATH = /^\/reports\/units\/([^/]+)\/(\d{4}-\d{2})\.html$/;
const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404 };

/**
 * GET /reports/units/<unitId>/<yyyy-mm>.html: a unit's monthly profile as a printable page. The caller
 * comes signed by the gateway, as for GraphQL, and the same rules decide what it may see.
 */
export function reportRoute(profiles: ProfileManager, callerSecret: string): Route {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = PATH.exec(url.pathname);
    if (req.method !== 'GET' || !match) return false;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      const header = req.headers[CALLER_HEADER];
      const caller = await verifyCaller(Array.isArray(header) ? header[0] : header, callerSecret);
      send(200, 'text/html', await profiles.reportHtml(caller, { unitId: decodeURIComponent(match[1]!), month: match[2]! }));
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const code = String(error.extensions.code ?? '');
      send(STATUS[code] ?? 500, 'application/json', JSON.stringify({ error: error.message, code }));
    }
    return true;
  };
}
