import type { SqlSession } from "./migrate";

// One adapter from a database client to the plain-SQL session the migrator and the tests use:
// PGlite (its `exec` runs several statements), or node-postgres' Client or Pool (a query without
// parameters runs several statements too). Rows come back as the client gives them.

export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec?(sql: string): Promise<unknown>;
}

export function sqlSession(client: SqlClient): SqlSession {
  return {
    exec: async (sql) => {
      await (client.exec ? client.exec(sql) : client.query(sql));
    },
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
  };
}
