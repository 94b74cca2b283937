import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  appError,
  CALLER_HEADER,
  createServiceHttp,
  injectInto,
  isClientError,
  signCaller,
  verifyUserToken,
  type EventBus,
  type Logger,
  type RequestCaller,
  type RunningService,
} from '@hotline/shared';
import { DEVELOPMENT_JWT_SECRET, type GatewayEnvironment } from './environment';
import { graphiqlRoute } from './ide/graphiql';
import { open311Route } from './open311';
import { reportsRoute } from './reports/route';
import { subgraphs } from './subgraphs';
import { startLiveSubscriptions } from './subscriptions';

/** What every request carries through the gateway: the caller, and their signed header for subgraphs. */
export interface GatewayContext {
  caller: RequestCaller;
  callerHeader: Promise<string>;
}

/** Passes the caller (signed) and the trace context to a subgraph with every fetch. */
class CallerDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override async willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): Promise<void> {
    if (!request.http) return;
    if (context.callerHeader) request.http.headers.set(CALLER_HEADER, await context.callerHeader);
    injectInto(request.http.headers);
  }
}

/** Client errors named by GraphQL's own variable checks get the `field` that ours carry. */
function withField(formatted: { message: string; extensions?: Record<string, unknown> }) {
  if (formatted.extensions?.field) return formatted;
  // e.g. 'Variable "$input" got invalid value …; Field "title" of required type "String!" was not provided.'
  const base = (/at "([^"]+)"/.exec(formatted.message) ?? /Variable "\$([^"]+)"/.exec(formatted.message))?.[1];
  if (!base) return formatted;
  const missing = /Field "([^"]+)" of required type/.exec(formatted.message)?.[1];
  return { ...formatted, extensions: { ...formatted.extensions, field: missing ? `${base}.${missing}` : base } };
}

/** Bearer token → caller; no token → nobody (public fields only); a bad token is refused outright. */
async function callerOf(req: IncomingMessage, env: GatewayEnvironment): Promise<RequestCaller> {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw appError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"', { http: { status: 401 } });
  try {
    return await verifyUserToken(match[1]!.trim(), env.JWT_SECRET, env.JWT_ISSUER);
  } catch (error) {
    throw new GraphQLError((error as Error).message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

export async function startGateway(env: GatewayEnvironment, logger: Logger, options: { bus?: EventBus } = {}): Promise<RunningService> {
  const log = logger.child({ service: 'gateway' });
  if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) log.warn('JWT_SECRET is the development secret; set it for any real deployment');
  const urls: Record<string, string> = {
    intake: env.INTAKE_URL,
    dispatch: env.DISPATCH_URL,
    supervision: env.SUPERVISION_URL,
    analytics: env.ANALYTICS_URL,
  };

  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) => new CallerDataSource({ url: `${urls[name]!.replace(/\/$/, '')}/graphql` }),
  });
  const limiter = new RateLimiterMemory({ points: env.RATE_LIMIT_PER_MINUTE, duration: 60 });
  /** Who is calling (from the Bearer token), counted against their rate limit: for the graph and the reports alike. */
  const admit = async (req: IncomingMessage): Promise<RequestCaller> => {
    const caller = await callerOf(req, env);
    try {
      await limiter.consume(caller?.sub ?? req.socket.remoteAddress ?? 'unknown');
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw appError('RATE_LIMITED', `too many requests; retry in ${Math.ceil(rejection.msBeforeNext / 1000)} s`, {
        http: { status: 429 },
      });
    }
    return caller;
  };

  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts and embedded.ts own shutdown; Apollo's handler would re-raise the signal before the rest stops.
    stopOnTerminationSignals: false,
    validationRules: [depthLimit(env.MAX_QUERY_DEPTH)],
    plugins: [ApolloServerPluginLandingPageDisabled()],
    formatError: (formatted, error) => {
      if (isClientError(formatted.extensions?.code)) return withField(formatted);
      log.error({ err: (error as GraphQLError)?.originalError ?? error, path: formatted.path }, 'request failed');
      return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await server.start();

  const http = createServiceHttp<GatewayContext>({
    name: 'gateway',
    logger: log,
    maxBodyBytes: env.MAX_BODY_BYTES,
    routes: [
      graphiqlRoute,
      open311Route({ graph: server, env, logger: log }),
      reportsRoute({ analyticsUrl: urls.analytics!, callerSecret: env.CALLER_SECRET, admit, logger: log }),
    ],
    graphql: {
      server,
      context: async (req) => {
        const caller = await admit(req);
        return { caller, callerHeader: signCaller(caller, env.CALLER_SECRET) };
      },
    },
    checks: async () => {
      const entries = await Promise.all(
        subgraphs.map(
          async (s) =>
            [
              s.name,
              await fetch(`${urls[s.name]}/ready`).then(
                (r) => r.ok,
                () => false,
              ),
            ] as const,
        ),
      );
      return Object.fromEntries(entries);
    },
  });
  const live = startLiveSubscriptions({ env, bus: options.bus, httpServer: http.server, graph: server, logger: log });
  const url = await http.listen(env.GATEWAY_PORT, env.GATEWAY_HOST);
  // On the in-process bus the join is immediate, and callers of the embedded system expect it done.
  if (options.bus) await live?.joined;
  log.info({ url: `${url}/graphql` }, 'gateway is up');
  return {
    name: 'gateway',
    url,
    async stop() {
      await live?.stop();
      await http.close();
      await server.stop();
    },
  };
}
