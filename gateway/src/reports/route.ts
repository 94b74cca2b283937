import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { CALLER_HEADER, injectInto, signCaller, type Logger, type RequestCaller, type Route } from '@hotline/shared';

/** The printable reports analytics serves, by the path its `reportPath` fields give. */
const PATH = /^\/reports\/units\/[^/]+\/\d{4}-\d{2}\.html$/;
const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 };

export interface ReportsRouteOptions {
  /** Analytics' base URL, where the report pages are rendered. */
  analyticsUrl: string;
  callerSecret: string;
  /** The gateway's own admission: the Bearer token checked and the caller's rate limit taken, as for GraphQL. */
  admit: (req: IncomingMessage) => Promise<RequestCaller>;
  logger: Logger;
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

/**
 * GET /reports/units/<unitId>/<yyyy-mm>.html through the gateway: the one door frontends use. The
 * caller signs in with the same Bearer token as for the graph; the page comes from analytics, which
 * applies the same rules as for the profile in the graph.
 */
export function reportsRoute(options: ReportsRouteOptions): Route {
  const base = options.analyticsUrl.replace(/\/$/, '');
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (!PATH.test(url.pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(
        res,
        405,
        { error: `${req.method} is not allowed on a report; use GET`, code: 'METHOD_NOT_ALLOWED' },
        { allow: 'GET, HEAD' },
      );
      return true;
    }
    let caller: RequestCaller;
    try {
      caller = await options.admit(req);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const code = String(error.extensions.code ?? '');
      sendJson(res, STATUS[code] ?? 400, { error: error.message, code });
      return true;
    }
    if (!caller) {
      sendJson(res, 401, { error: 'sign in to read reports (Authorization: Bearer <token>)', code: 'UNAUTHENTICATED' });
      return true;
    }
    const headers = new Headers({ [CALLER_HEADER]: await signCaller(caller, options.callerSecret) });
    injectInto(headers);
    let upstream: Response;
    try {
      upstream = await fetch(`${base}${url.pathname}`, { method: req.method, headers });
    } catch (err) {
      options.logger.error({ err, path: url.pathname }, 'analytics did not answer for a report');
      sendJson(res, 502, { error: 'the report service is not reachable; try again shortly', code: 'BAD_GATEWAY' });
      return true;
    }
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(await upstream.arrayBuffer()));
    return true;
  };
}
