import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, type DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { CALLER_HEADER, verifyCaller, type RequestCaller } from '../caller';
import { isClientError } from '../errors';

export interface SubgraphContext extends BaseContext {
  caller: RequestCaller;
}

export interface SubgraphOptions<C extends SubgraphContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  logger: Logger;
  callerSecret: string;
  /** Builds the per-request context (DataLoaders live here, one set per request). */
  context: (caller: RequestCaller) => C;
}

/**
 * A federated subgraph server. Client errors pass through with their code and field; anything else
 * is logged with its cause and reaches the client only as "internal error", never as a stack trace.
 */
export function createSubgraph<C extends SubgraphContext>(options: SubgraphOptions<C>) {
  const server = new ApolloServer<C>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // The process owns shutdown (runServiceProcess, embedded): Apollo's own SIGTERM/SIGINT handler stops only
    // this server and then re-raises the signal, killing the process before consumers, relay and database stop.
    stopOnTerminationSignals: false,
    // Traces go to OpenTelemetry; Apollo's own federated trace format is not used.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted, error) => {
      const code = formatted.extensions?.code;
      if (isClientError(code)) return formatted;
      options.logger.error({ err: (error as GraphQLError)?.originalError ?? error, path: formatted.path }, 'resolver failed');
      return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });

  /** Verifies the gateway-signed caller; a request that did not come through the gateway is refused. */
  async function context(req: IncomingMessage): Promise<C> {
    const header = req.headers[CALLER_HEADER];
    const caller = await verifyCaller(Array.isArray(header) ? header[0] : header, options.callerSecret);
    return options.context(caller);
  }

  return { server, context };
}
