/**
 * Supported Node.js versions: package.json `engines` and the CLI agree, and on an older Node the CLI says
 * so in one line instead of the AWS SDK's nine.
 */
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { MIN_NODE_MAJOR, unsupportedNode } from '../src/node-support.js'
import { cloudFrontEnv, FakeCloudFront } from './support/fake-cloudfront.js'
import { CLI } from './support/run-action.js'

describe('unsupportedNode', () => {
  it.each(['v18.20.8', 'v20.20.2', 'v21.7.3'])('%s: one line naming the supported versions', (v) => {
    const line = unsupportedNode(v)
    expect(line).toBe(
      `Node.js ${v} is not supported: use Node.js 22 or later (24 is what GitHub's runner uses and what the tests run on)`,
    )
  })

  it.each(['v22.0.0', 'v24.21.0', 'v26.0.0', 'not a version'])('%s: nothing', (v) => {
    expect(unsupportedNode(v)).toBeUndefined()
  })

  it('is what package.json engines says', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string }
    }
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`)
  })
})

/** A Node.js older than the minimum on this machine (Debian's /usr/bin/node is 20), if any. */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => {
  try {
    return unsupportedNode(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()) !== undefined
  } catch {
    return false
  }
})

describe.skipIf(OLD_NODE === undefined)(`the CLI on an unsupported Node.js (${OLD_NODE})`, () => {
  it("prints one line naming the supported versions, not the AWS SDK's warning, and still runs", async () => {
    const fake = await FakeCloudFront.start({ distributions: ['E2EXAMPLE0000'] })
    try {
      const { stdout, stderr } = await promisify(execFile)(
        OLD_NODE ?? '',
        [CLI, '--distribution-id', 'E2EXAMPLE0000', '--paths', '/index.html'],
        { env: { PATH: process.env.PATH, ...cloudFrontEnv(fake) } },
      )
      const warnings = stderr.split('\n').filter((l) => /node/i.test(l) && !l.includes('/index.html'))
      expect(warnings).toEqual([
        expect.stringMatching(
          /^cloudfront-invalidate: warning: Node\.js v\d+\.\S+ is not supported: use Node\.js 22 or later/,
        ),
      ])
      expect(stderr).not.toContain('NodeVersionSupportWarning')
      expect(stdout).toContain('status: InProgress')
    } finally {
      await fake.stop()
    }
  })
})
