/**
 * Fills the examples of docs/cli.md with real output: starts the fake CloudFront with a few
 * distributions, a tenant and some invalidations, runs each `$ command` of every
 * `<!-- example -->` block through the committed bundle (bin/cloudfront-invalidate.js under Node 24, in
 * bash, stdout and stderr together as a terminal shows them, without colour), and writes the output
 * under it. Ids of new invalidations and times differ on every run. Under a heading such as
 * ``## `--help` `` or ``### `invalidate --help` `` it writes that command's help into the `text` block
 * (test/docs.test.ts checks those against the source).
 *
 * Run: npm run bundle && node --import tsx scripts/cli-examples.ts
 */
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cloudFrontEnv, FakeCloudFront } from '../test/support/fake-cloudfront.js'
import { CLI, NODE24 } from '../test/support/run-action.js'

const DOC = fileURLToPath(new URL('../docs/cli.md', import.meta.url))
// Prettier puts a blank line on each side of a fenced block.
const BLOCK = /(<!-- example -->\n\n?```console\n)([\s\S]*?)(```\n\n?<!-- \/example -->)/g
/** A help heading, any prose, and the `text` block to fill: the arguments are in the heading. */
const HELP_BLOCK = /(^#{2,3} `((?:[a-z]+ )?--help)`\n[\s\S]*?```text\n)[\s\S]*?(^```$)/gm

const fake = await FakeCloudFront.start({
  completionDelayMs: 2500,
  distributions: [
    { id: 'E2EXAMPLE0000', aliases: ['www.example.com', 'example.com'] },
    { id: 'E1DOCS0000000', aliases: ['docs.example.com'], domainName: 'd1docs0000000.cloudfront.net' },
    { id: 'E3SAAS0000000', multiTenant: true, comment: 'tenants' },
  ],
  tenants: [{ id: 'dt_acme', distributionId: 'E3SAAS0000000', domains: ['acme.example.net'] }],
})
const minute = 60_000
const seeds: [string, string[], number][] = [
  ['I1OLDEST00000A', ['/index.html', '/about/'], 50 * minute],
  ['I2OLDER000000B', ['/blog/*'], 40 * minute],
  ['I3OLD00000000C', ['/index.html'], 30 * minute],
  ['I4RECENT0000D', ['/assets/app.js', '/assets/app.css', '/index.html'], 20 * minute],
]
for (const [id, paths, ago] of seeds) {
  fake.seedInvalidation('E2EXAMPLE0000', paths, {
    id,
    status: 'Completed',
    createdMsAgo: ago,
    callerReference: `deploy-${id.slice(1, 2)}`,
  })
}
fake.seedInvalidation('dt_acme', ['/'], {
  id: 'I5TENANT00000E',
  status: 'Completed',
  createdMsAgo: 10 * minute,
})
fake.inject({ op: 'ListInvalidations', target: 'E1DOCS0000000', kind: 'AccessDenied', times: Infinity })

// `cloudfront-invalidate` on PATH, as `npm install -g` makes it.
const bin = mkdtempSync(join(tmpdir(), 'cfi-examples-'))
writeFileSync(join(bin, 'cloudfront-invalidate'), `#!/bin/sh\nexec "${NODE24}" "${CLI}" "$@"\n`)
chmodSync(join(bin, 'cloudfront-invalidate'), 0o755)
writeFileSync(
  join(bin, 'paths.txt'),
  Array.from({ length: 30 }, (_, i) => `/posts/${i + 1}/`).join('\n') + '\n',
)

function run(command: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `{ ${command}; } 2>&1; echo "[exit $?]"`],
      { cwd: bin, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: bin, ...cloudFrontEnv(fake) } },
      (_error, stdout) => resolve(stdout.replace(/(^|\n)\[exit 0\]\n$/, '$1')),
    )
  })
}

try {
  const text = readFileSync(DOC, 'utf8')
  let out = ''
  let at = 0
  for (const m of text.matchAll(BLOCK)) {
    const commands = (m[2] ?? '').split('\n').filter((l) => l.startsWith('$ '))
    let body = ''
    for (const c of commands) body += `${c}\n${await run(c.slice(2))}`
    out += text.slice(at, m.index) + (m[1] ?? '') + body + (m[3] ?? '')
    at = (m.index ?? 0) + m[0].length
  }
  out += text.slice(at)
  let help = ''
  at = 0
  for (const m of out.matchAll(HELP_BLOCK)) {
    const shown = await run(`cloudfront-invalidate ${m[2] ?? ''}`)
    help += out.slice(at, m.index) + (m[1] ?? '') + shown + (m[3] ?? '')
    at = (m.index ?? 0) + m[0].length
  }
  writeFileSync(DOC, help + out.slice(at))
} finally {
  await fake.stop()
  rmSync(bin, { recursive: true, force: true })
}
