import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { signCaller, type Caller, type Logger, type Route } from '@hotline/shared';
import type { GatewayContext } from '../gateway';
import { open311Environment, publicReader, type Open311Config } from './config';
import { send, sendErrors, type Format } from './format';
import {
  complaintFields,
  MAX_RESULTS,
  open311Status,
  postRequestForm,
  requestsQuery,
  serviceDefinition,
  toService,
  toServiceRequest,
  toSubmitInput,
  window,
  type ComplaintNode,
} from './mapping';

const prefix = '/open311/v2/';
const PAGE = 200;

/** A GraphQL error from the graph, turned into the spec's status and description. */
class GraphFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
const statusOf: Record<string, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 400,
  RATE_LIMITED: 429,
};

export interface Open311Options {
  /** The gateway's own server: Open311 is a REST face over the same graph, with the same rules. */
  graph: ApolloServer<GatewayContext>;
  /** The gateway's parsed environment: its OPEN311_* settings, and its rate limit, which applies here too. */
  env: { CALLER_SECRET: string; RATE_LIMIT_PER_MINUTE: number } & Partial<Open311Config>;
  logger: Logger;
  now?: () => Date;
}

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2: discovery, services,
 * service definitions, requests (POST and GET), a request by id, and tokens, in JSON or XML. Every call
 * runs an operation on the gateway's graph with a caller: the api key's for POST, a public reader for GETs.
 */
export function open311Route(options: Open311Options): Route {
  const config = open311Environment.parse({});
  const apiKeys = options.env.OPEN311_API_KEYS ?? config.OPEN311_API_KEYS;
  const district = options.env.OPEN311_DISTRICT ?? config.OPEN311_DISTRICT;
  const now = options.now ?? (() => new Date());
  // These routes run before the GraphQL endpoint's own limiter, so they keep one of their own, per client address.
  const limiter = new RateLimiterMemory({ points: options.env.RATE_LIMIT_PER_MINUTE, duration: 60 });

  async function run<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await options.graph.executeOperation(
      { query, variables },
      { contextValue: { caller, callerHeader: signCaller(caller, options.env.CALLER_SECRET) } },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    const error = errors?.[0];
    if (error) {
      const code = String(error.extensions?.code ?? '');
      if (!statusOf[code]) throw new Error(`graph error: ${error.message}`);
      throw new GraphFailure(statusOf[code]!, error.message);
    }
    return data as T;
  }

  const routes: Array<{
    method: string;
    pattern: RegExp;
    handle: (m: RegExpExecArray, format: Format, req: IncomingMessage, res: ServerResponse, body: () => Promise<string>) => Promise<void>;
  }> = [
    {
      method: 'GET',
      pattern: /^discovery$/,
      async handle(_, format, req, res) {
        const base = `http://${req.headers.host ?? 'localhost'}${prefix}`;
        send(
          res,
          format,
          200,
          {
            changeset: '2026-01-01T00:00:00Z',
            contact: '12345 市民服务热线',
            key_service: 'api_key 由热线管理员发放',
            endpoints: [
              {
                specification: 'http://wiki.open311.org/GeoReport_v2',
                url: base,
                changeset: '2026-01-01T00:00:00Z',
                type: 'production',
                formats: ['application/json', 'text/xml'],
              },
            ],
          },
          { root: 'discovery' },
        );
      },
    },
    {
      method: 'GET',
      pattern: /^services$/,
      async handle(_, format, __, res) {
        const data = await run<{
          categories: Array<{
            id: string;
            name: string;
            children: Array<{ id: string; name: string; children: Array<{ id: string; name: string }> }>;
          }>;
        }>(publicReader(district), `{ categories { id name children { id name children { id name } } } }`);
        // Every node of the taxonomy is a service; its group is its top-level category.
        const services = data.categories.flatMap((top) => [
          toService({ ...top, parent: null }),
          ...top.children.flatMap((child) => [
            toService({ ...child, parent: top }),
            ...child.children.map((leaf) => toService({ ...leaf, parent: top })),
          ]),
        ]);
        send(res, format, 200, services, { root: 'services', item: 'service' });
      },
    },
    {
      method: 'GET',
      pattern: /^services\/(.+)$/,
      async handle(m, format, __, res) {
        const code = decodeURIComponent(m[1]!);
        if (!(await categoryExists(code))) return sendErrors(res, format, 404, [`service_code: no service "${code}"`]);
        send(res, format, 200, serviceDefinition(code), { root: 'service_definition' });
      },
    },
    {
      method: 'POST',
      pattern: /^requests$/,
      async handle(_, format, req, res, body) {
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          return sendErrors(res, format, 400, ['the body must be application/x-www-form-urlencoded']);
        const parsed = postRequestForm.safeParse(Object.fromEntries(new URLSearchParams(await body())));
        if (!parsed.success)
          return sendErrors(
            res,
            format,
            400,
            parsed.error.issues.map((i) => i.message),
          );
        const caller = apiKeys.get(parsed.data.api_key);
        if (!caller) return sendErrors(res, format, 403, ['api_key: not a valid key']);
        const data = await run<{ submitComplaint: { complaint: { id: string } } }>(
          caller,
          `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`,
          { input: toSubmitInput(parsed.data) },
        );
        send(
          res,
          format,
          201,
          [{ service_request_id: data.submitComplaint.complaint.id, service_notice: null, account_id: parsed.data.account_id ?? null }],
          { root: 'service_requests', item: 'request' },
        );
      },
    },
    {
      method: 'GET',
      pattern: /^requests$/,
      async handle(_, format, req, res) {
        const url = new URL(req.url ?? '/', 'http://open311');
        const parsed = requestsQuery.safeParse(Object.fromEntries(url.searchParams));
        if (!parsed.success)
          return sendErrors(
            res,
            format,
            400,
            parsed.error.issues.map((i) => i.message),
          );
        const q = parsed.data;
        const reader = publicReader(district);
        let nodes: ComplaintNode[];
        if (q.ids.length) {
          nodes = await byIds(reader, q.ids);
        } else {
          const { from, to } = window(q, now());
          nodes = [];
          let after: string | null = null;
          // The graph pages by 200; the spec allows up to 1000 in one answer.
          do {
            const page: {
              complaints: { edges: Array<{ node: ComplaintNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
            } = await run(
              reader,
              `query($filter: ComplaintFilter, $after: String) { complaints(filter: $filter, first: ${PAGE}, after: $after) { edges { node { ${complaintFields} } } pageInfo { hasNextPage endCursor } } }`,
              { filter: { categoryId: q.serviceCode, receivedFrom: from.toISOString(), receivedTo: to.toISOString() }, after },
            );
            nodes.push(...page.complaints.edges.map((e) => e.node));
            after = page.complaints.pageInfo.hasNextPage ? page.complaints.pageInfo.endCursor : null;
          } while (after && nodes.length < MAX_RESULTS);
        }
        const wanted = q.statuses.length ? nodes.filter((n) => q.statuses.includes(open311Status(n))) : nodes;
        send(res, format, 200, wanted.slice(0, MAX_RESULTS).map(toServiceRequest), { root: 'service_requests', item: 'request' });
      },
    },
    {
      method: 'GET',
      pattern: /^requests\/([^/]+)$/,
      async handle(m, format, __, res) {
        const [node] = await byIds(publicReader(district), [decodeURIComponent(m[1]!)]);
        if (!node) return sendErrors(res, format, 404, [`service_request_id: no request "${m[1]}"`]);
        send(res, format, 200, [toServiceRequest(node)], { root: 'service_requests', item: 'request' });
      },
    },
    {
      method: 'GET',
      pattern: /^tokens\/([^/]+)$/,
      async handle(m, format, __, res) {
        // Requests are created at once, so a token is the request's own id.
        const token = decodeURIComponent(m[1]!);
        const [node] = await byIds(publicReader(district), [token]);
        if (!node) return sendErrors(res, format, 404, [`token: no request for "${token}"`]);
        send(res, format, 200, [{ service_request_id: node.id, token }], { root: 'service_requests', item: 'request' });
      },
    },
  ];

  async function categoryExists(id: string): Promise<boolean> {
    const data = await run<{ categories: Array<{ id: string; children: Array<{ id: string; children: Array<{ id: string }> }> }> }>(
      publicReader(district),
      `{ categories { id children { id children { id } } } }`,
    );
    return data.categories.some((t) => t.id === id || t.children.some((c) => c.id === id || c.children.some((l) => l.id === id)));
  }

  /** Requests by id in one operation (one aliased field each); malformed or unknown ids are left out. */
  async function byIds(reader: Caller, ids: string[]): Promise<ComplaintNode[]> {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (!valid.length) return [];
    const fields = valid.map((_, i) => `r${i}: complaint(id: $id${i}) { ${complaintFields} }`).join('\n');
    const data = await run<Record<string, ComplaintNode | null>>(
      reader,
      `query(${valid.map((_, i) => `$id${i}: ID!`).join(', ')}) { ${fields} }`,
      Object.fromEntries(valid.map((id, i) => [`id${i}`, id])),
    );
    return valid.map((_, i) => data[`r${i}`]).filter((n): n is ComplaintNode => Boolean(n));
  }

  return async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://open311');
    if (!url.pathname.startsWith(prefix)) return false;
    const match = /^(.+)\.(json|xml)$/.exec(url.pathname.slice(prefix.length));
    if (!match) {
      sendErrors(res, 'json', 404, [`no such resource: ${url.pathname} (append .json or .xml)`]);
      return true;
    }
    const format = match[2] as Format;
    try {
      await limiter.consume(req.socket.remoteAddress ?? 'unknown');
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      res.setHeader('retry-after', String(Math.ceil(rejection.msBeforeNext / 1000)));
      sendErrors(res, format, 429, [`too many requests; retry in ${Math.ceil(rejection.msBeforeNext / 1000)} s`]);
      return true;
    }
    const candidates = routes.filter((r) => r.pattern.test(match[1]!));
    const route = candidates.find((r) => r.method === req.method);
    if (!route) {
      if (candidates.length)
        sendErrors(res, format, 405, [`${req.method} is not allowed here; use ${candidates.map((r) => r.method).join(' or ')}`]);
      else sendErrors(res, format, 404, [`no such resource: ${url.pathname}`]);
      return true;
    }
    try {
      await route.handle(route.pattern.exec(match[1]!)!, format, req, res, body);
    } catch (error) {
      if (error instanceof GraphFailure) sendErrors(res, format, error.status, [error.message]);
      else {
        options.logger.error({ err: error, path: url.pathname }, 'open311 request failed');
        sendErrors(res, format, 500, ['internal error']);
      }
    }
    return true;
  };
}
