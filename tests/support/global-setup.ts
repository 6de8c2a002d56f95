import type { TestProject } from "vitest/node";
import { startPostgres, type PostgresServer } from "./postgres";

// One PostgreSQL server for the whole run, unless the test script already started one.
let server: PostgresServer | undefined;

export default async function setup(project: TestProject) {
  let url = process.env.THREADLINE_TEST_PG_URL;
  if (!url) {
    server = await startPostgres();
    url = server.url;
    process.env.THREADLINE_TEST_PG_URL = url;
  }
  project.provide("pgUrl", url);
  return () => server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
