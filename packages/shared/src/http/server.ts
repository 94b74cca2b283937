import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { contextFrom, inSpan, SpanKind } from '../telemetry';

/** A route of the service besides GraphQL; returns false when the request is not its to answer. */
export type Route = (req: IncomingMessage, res: ServerResponse, body: () => Promise<string>) => Promise<boolean>;

export interface ServiceHttpOptions<C extends BaseContext> {
  name: string;
  logger: Logger;
  graphql: { path?: string; server: ApolloServer<C>; context: (req: IncomingMessage) => Promise<C> };
  /** Each dependency's readiness; the service is ready when all are. */
  checks: () => Promise<Record<string, boolean>>;
  routes?: Route[];
  maxBodyBytes?: number;
}

export interface ServiceHttp {
  server: http.Server;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export class PayloadTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Answer at once; the rest of the body is read and discarded so the client sees the 413, not a reset.
        reject(new PayloadTooLarge(`request body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Serves a service over HTTP: GraphQL (Apollo Server's HTTP core, no framework), `/health` (the
 * process is alive) and `/ready` (every dependency answers; load balancers route only to ready ones).
 */
export function createServiceHttp<C extends BaseContext>(options: ServiceHttpOptions<C>): ServiceHttp {
  const graphqlPath = options.graphql.path ?? '/graphql';
  const limit = options.maxBodyBytes ?? 1_000_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://service');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: options.name });
    if (url.pathname === '/ready') {
      const checks = await options.checks().catch(() => ({ checks: false }));
      const ready = Object.values(checks).every(Boolean);
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', service: options.name, checks });
    }
    let cached: Promise<string> | undefined;
    const body = () => (cached ??= readBody(req, limit));
    for (const route of options.routes ?? []) if (await route(req, res, body)) return;
    if (url.pathname !== graphqlPath) return sendJson(res, 404, { error: `no such path: ${url.pathname}` });

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const raw = req.method === 'POST' ? await body() : '';
    let parsed: unknown = raw;
    if (raw && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    // Each operation is a server span continuing the caller's trace (the gateway injects traceparent).
    const result = await inSpan(
      options.name,
      `${req.method} ${graphqlPath}`,
      { parent: contextFrom(req.headers), kind: SpanKind.SERVER },
      () =>
        options.graphql.server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsed },
          context: () => options.graphql.context(req),
        }),
    );
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof PayloadTooLarge) {
        res.setHeader('connection', 'close');
        return sendJson(res, 413, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      }
      options.logger.error({ err: error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
