import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema'
import { migrate } from './sqlite'

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v))

/**
 * PostgreSQL for several server processes (scale-out). The same kysely queries and migrations as
 * SQLite; `schema` keeps one deployment (or one test) apart from others in the same database.
 */
export async function openPostgres(url: string, schema = 'public'): Promise<Kysely<Database>> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`DATABASE_SCHEMA must be a plain lower-case identifier, got "${schema}"`)
  const setup = new pg.Client({ connectionString: url })
  await setup.connect()
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
  } finally {
    await setup.end()
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  // Two processes starting together do not run the migrations twice: kysely's PostgreSQL adapter
  // takes an advisory lock for the migration transaction.
  await migrate(db, schema)
  return db
}
