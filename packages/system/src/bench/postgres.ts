import pg from 'pg';
import { SERVICES } from '../distributed';

/** The server URL with a database named in its path. */
export const withDatabase = (serverUrl: string, database: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

/** Runs `fn` on a connection to the server's maintenance database. */
export async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a deployment's databases (<name>_<service>), also those of a start that failed half-way. */
export const dropDeploymentDatabases = (serverUrl: string, name: string): Promise<void> =>
  withAdmin(serverUrl, async (admin) => {
    for (const service of SERVICES) await admin.query(`DROP DATABASE IF EXISTS "${name}_${service}" WITH (FORCE)`);
  });

export const postgresVersion = (serverUrl: string): Promise<string> =>
  withAdmin(serverUrl, async (admin) => (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
