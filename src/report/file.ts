/**
 * The `invalidations-file` output: every invalidation a run created, however many (GitHub caps a job's
 * outputs at 1 MB; 10,000 tenants' records take ~1.4 MB), as a JSON file under RUNNER_TEMP that a later
 * step's `wait-for` reads, and that a workflow can upload as an artifact to gate another job on it.
 */
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isTenant } from '../targets.js'
import type { RunState } from './state.js'

/** One line of the file. */
export interface FileRecord {
  /** The distribution; for a tenant, its multi-tenant distribution (null when only its dt_ id is known). */
  distributionId: string | null
  /** The tenant (`dt_…`), or null for an invalidation of a distribution itself. */
  tenantId: string | null
  id: string
  status: string
  pathCount: number
  createTime: string
}

/** The records of the file, in creation order. */
export function fileRecords(s: RunState): FileRecord[] {
  return s.records.map((r) => {
    const tenant = isTenant(r.distributionId)
    return {
      distributionId: tenant ? (s.targets.get(r.distributionId)?.parent ?? null) : r.distributionId,
      tenantId: tenant ? r.distributionId : null,
      id: r.id,
      status: r.status,
      pathCount: r.pathCount,
      createTime: r.createTime,
    }
  })
}

/** The file's text: a JSON array, one record a line (readable, and diffable in an artifact). */
export function fileText(s: RunState): string {
  const records = fileRecords(s)
  if (records.length === 0) return '[]\n'
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`
}

/**
 * Write the file under RUNNER_TEMP and return its path; outside a runner (the CLI, which prints what it
 * made) nothing is written and the path is ''. The name carries the step and a random part, so two steps
 * of a job never write the same file.
 */
export function writeInvalidationsFile(
  s: RunState,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const dir = env.RUNNER_TEMP
  if (!dir) return ''
  const step = (env.GITHUB_ACTION ?? 'step').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)
  const path = join(dir, `cloudfront-invalidations-${step}-${randomBytes(4).toString('hex')}.json`)
  writeFileSync(path, fileText(s))
  return path
}
