import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFieldConfig, type GraphQLObjectType } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { hasRole, signCaller, verifyUserToken, type Caller, type Logger } from '@hotline/shared';
import type { GatewayContext } from '../gateway';
import type { AlertFeed, DeadlineAlert } from './alert-feed';
import { buildSubscriptionSchema } from './schema';

export interface LiveServerOptions {
  httpServer: http.Server;
  /** The gateway's own graph: case fields and replayed reports are read through it, as the subscriber. */
  graph: ApolloServer<GatewayContext>;
  feed: AlertFeed;
  jwtSecret: string;
  jwtIssuer: string;
  callerSecret: string;
  logger: Logger;
  path?: string;
}

export interface LiveServer {
  stop(): Promise<void>;
}

export interface AlertFilter {
  districts?: string[] | null;
  unitIds?: string[] | null;
  kinds?: string[] | null;
  levels?: string[] | null;
}

interface AlertCase {
  id: string;
  title: string;
  categoryName: string | null;
  currentUnitName: string | null;
}

/** The inspection office and those above it receive every unit's reports of their district (city: every district). */
const watchers = ['supervisor', 'admin', 'city'] as const;
/** How many recent report ids a subscription remembers to drop a redelivered one. */
const REMEMBERED = 1000;
const REPLAY_PAGE = 100;

const caseFields = `id title category { name } currentUnit { name }`;
const complaintQuery = `query LiveAlertCase($id: ID!) { complaint(id: $id) { ${caseFields} } }`;
const replayQuery = `query LiveAlertReplay($filter: DeadlineAlertFilter, $after: ID, $first: Int) {
  deadlineAlerts(filter: $filter, after: $after, first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { node { id level kind district complaintId workOrderId unitId deadlineId dueAt at complaint { ${caseFields} } } }
  }
}`;

/**
 * Narrows what a subscriber asked for to what they may see: a handler their own unit, everyone but
 * city-level callers their own district. Asking for more is refused rather than silently narrowed.
 */
export function authorizeFilter(caller: Caller | null, filter: AlertFilter): AlertFilter {
  if (!caller)
    throw new GraphQLError('sign in to receive live reports (connectionParams.authorization: "Bearer <token>")', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  const isWatcher = hasRole(caller, ...watchers);
  if (!isWatcher && !hasRole(caller, 'handler'))
    throw new GraphQLError('live reports are for supervisors, admins, city-level callers and handlers', {
      extensions: { code: 'FORBIDDEN' },
    });
  const narrowed: AlertFilter = { ...filter };
  if (!caller.roles.includes('city')) {
    if (filter.districts?.some((d) => d !== caller.district))
      throw new GraphQLError(`reports of district ${caller.district} only`, { extensions: { code: 'FORBIDDEN' } });
    narrowed.districts = [caller.district];
  }
  if (!isWatcher) {
    if (!caller.unit || filter.unitIds?.some((u) => u !== caller.unit))
      throw new GraphQLError('a handler receives the reports of their own unit only', { extensions: { code: 'FORBIDDEN' } });
    narrowed.unitIds = [caller.unit];
  }
  return narrowed;
}

const within = (allowed: string[] | null | undefined, value: string) => !allowed || allowed.includes(value);
export const matches = (f: AlertFilter, a: DeadlineAlert): boolean =>
  within(f.districts, a.district) && within(f.unitIds, a.unitId) && within(f.kinds, a.kind) && within(f.levels, a.level);

const toCase = (
  c: { id: string; title: string; category?: { name: string } | null; currentUnit?: { name: string } | null } | null,
): AlertCase | null =>
  c ? { id: c.id, title: c.title, categoryName: c.category?.name ?? null, currentUnitName: c.currentUnit?.name ?? null } : null;

/**
 * Serves `Subscription.overdueEvents` over graphql-ws on the gateway's HTTP server. A subscription listens
 * to the live feed first (buffering), then replays the kept reports after `after` through the federated
 * graph, then drains the buffer skipping what the replay already sent: nothing between the two is lost.
 */
export function startLiveServer(options: LiveServerOptions): LiveServer {
  const schema = buildSubscriptionSchema();
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path ?? '/graphql' });

  async function run<T>(caller: Caller, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await options.graph.executeOperation<T>(
      { query, variables },
      { contextValue: { caller, callerHeader: signCaller(caller, options.callerSecret) } },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new GraphQLError(errors[0]!.message, { extensions: errors[0]!.extensions });
    return data as T;
  }

  function alertStream(
    caller: Caller,
    filter: AlertFilter,
    after: string | null,
  ): AsyncIterableIterator<{ overdueEvents: DeadlineAlert & { complaint: AlertCase | null } }> {
    const queue: DeadlineAlert[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    const unlisten = options.feed.listen((alert) => {
      if (!matches(filter, alert)) return;
      queue.push(alert);
      wake?.();
    });
    const recent: string[] = [];
    const seen = new Set<string>();
    const remember = (id: string) => {
      seen.add(id);
      recent.push(id);
      if (recent.length > REMEMBERED) seen.delete(recent.shift()!);
    };

    async function* generate() {
      try {
        // Alerts published before the feed joined never reach it: wait, so the replay covers them.
        await options.feed.joined;
        if (after) {
          let cursor: string | null = after;
          while (cursor && !closed) {
            type Page = {
              deadlineAlerts: {
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
                edges: Array<{ node: DeadlineAlert & { complaint: Parameters<typeof toCase>[0] } }>;
              };
            };
            const page: Page = await run<Page>(caller, replayQuery, { filter, after: cursor, first: REPLAY_PAGE });
            for (const { node } of page.deadlineAlerts.edges) {
              remember(node.id);
              yield { overdueEvents: { ...node, complaint: toCase(node.complaint) } };
            }
            cursor = page.deadlineAlerts.pageInfo.hasNextPage ? page.deadlineAlerts.pageInfo.endCursor : null;
          }
        }
        while (!closed) {
          const alert = queue.shift();
          if (!alert) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          if (seen.has(alert.id)) continue;
          remember(alert.id);
          const found = await run<{ complaint: Parameters<typeof toCase>[0] }>(caller, complaintQuery, { id: alert.complaintId }).catch(
            (err: unknown) => {
              options.logger.warn({ err, complaintId: alert.complaintId }, 'could not resolve the case of a live report');
              return { complaint: null };
            },
          );
          yield { overdueEvents: { ...alert, complaint: toCase(found.complaint) } };
        }
      } finally {
        unlisten();
      }
    }

    const inner = generate();
    return {
      next: () => inner.next(),
      // Ending a subscription must not wait for the next report: wake the generator so it can finish.
      return: async (value?: unknown) => {
        closed = true;
        unlisten();
        wake?.();
        return inner.return(value as never);
      },
      throw: (error?: unknown) => inner.throw(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  const field = (schema.getSubscriptionType() as GraphQLObjectType).getFields().overdueEvents! as unknown as GraphQLFieldConfig<
    unknown,
    { caller: Caller | null }
  >;
  field.subscribe = (_source, args: { filter?: AlertFilter | null; after?: string | null }, context) => {
    const filter = authorizeFilter(context.caller, args.filter ?? {});
    return alertStream(context.caller!, filter, args.after ?? null);
  };
  (schema.getQueryType() as GraphQLObjectType).getFields().live!.resolve = () => true;

  const cleanup = useServer(
    {
      schema,
      context: async (ctx) => {
        const header = (ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization) as string | undefined;
        const token = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
        if (!token) return { caller: null };
        try {
          return { caller: await verifyUserToken(token.trim(), options.jwtSecret, options.jwtIssuer) };
        } catch {
          return { caller: null };
        }
      },
    },
    wss,
  );
  options.logger.info({ path: options.path ?? '/graphql' }, 'live reports served over graphql-ws');

  return {
    async stop() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
