// The deterministic seed: same number in, same tenant out.
import { generateArchiveRules, type ArchiveRule } from './archive-rules'
import { generateDatasources, generateRecords, type Datasource, type SeedRecord } from './datasources'
import { generateEmployees, type Employee } from './employees'
import { createRng } from './prng'

export const DEFAULT_SEED = 20240901
export const TENANT_KEY = '736588c9260f175d'

export interface Seed {
  employees: Employee[]
  rules: ArchiveRule[]
  datasources: Datasource[]
  records: SeedRecord[]
}

export function createSeed(seed: number = DEFAULT_SEED): Seed {
  const rng = createRng(seed)
  const employees = generateEmployees(rng)
  const rules = generateArchiveRules(rng)
  const datasources = generateDatasources()
  const records = generateRecords(rng, employees)
  return { employees, rules, datasources, records }
}
