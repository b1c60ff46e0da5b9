import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InputError } from '../src/errors.js'
import {
  QUOTED_LINES,
  bucketsIn,
  outsideWarning,
  parseSyncLog,
  relativePaths,
  requireSingleBucket,
  syncLogWarnings,
  unservedWarning,
  type SyncChange,
  type SyncLogResult,
} from '../src/paths/sync-log.js'

/** Fixtures are byte-exact CLI output (progress `\r`, padding spaces, CRLF); never reformat them. */
function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/sync-log/${name}`, import.meta.url), 'utf8')
}

const real = { includeDryRun: false }
const preview = { includeDryRun: true }

/** The changes as compact strings, `op effect s3://bucket/key`, for readable expectations. */
function summary(result: SyncLogResult): string[] {
  return result.changes.map(
    (c) => `${c.op} ${c.effect} s3://${c.bucket}/${c.key}${c.dryRun ? ' (dryrun)' : ''}`,
  )
}

function change(bucket: string, key: string, over: Partial<SyncChange> = {}): SyncChange {
  return { op: 'upload', effect: 'written', bucket, key, dryRun: false, line: 1, ...over }
}

describe('parseSyncLog on aws s3 logs', () => {
  it('reads a sync with progress noise, padding, spaces, unicode and deletes', () => {
    const result = parseSyncLog(fixture('aws-sync.txt'), real)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/site/index.html',
      'upload written s3://my-bucket/site/blog/hello world.html',
      'upload written s3://my-bucket/site/café/menü.html',
      'upload written s3://my-bucket/site/from a to b.html',
      'upload written s3://my-bucket/site/100%.html',
      'upload written s3://my-bucket/site/what?.html',
      'upload written s3://my-bucket/site/img/日本語 ロゴ.png',
      'upload written s3://my-bucket/site/css/app.9b1c.css',
      'delete removed s3://my-bucket/site/css/app.3f2a.css',
      'delete removed s3://my-bucket/site/old page.html',
      'upload written s3://my-bucket/site/a.html',
    ])
    expect(result).toMatchObject({ skippedDryRun: 0, failureCount: 0, unreadableCount: 0 })
    // Line numbers count `\n` only, so a result after a `\r`-ended progress line keeps its line.
    expect(result.changes.map((c) => c.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('skips (dryrun) lines in a real run, counting them', () => {
    const result = parseSyncLog(fixture('aws-sync-dryrun.txt'), real)
    expect(result.changes).toEqual([])
    expect(result.skippedDryRun).toBe(3)
    expect(syncLogWarnings(result)).toEqual([
      'sync-log: skipped 3 (dryrun) lines: they describe changes that did not happen. ' +
        "Run the sync without --dryrun, or preview with this action's dry-run.",
    ])
  })

  it('takes (dryrun) lines in a dry run of the action, marked', () => {
    const result = parseSyncLog(fixture('aws-sync-dryrun.txt'), preview)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/site/index.html (dryrun)',
      'upload written s3://my-bucket/site/blog/hello world.html (dryrun)',
      'delete removed s3://my-bucket/site/old page.html (dryrun)',
    ])
    expect(result.skippedDryRun).toBe(0)
  })

  it('keeps failed and aborted operations out of the changes, and quotes them', () => {
    const result = parseSyncLog(fixture('aws-failures.txt'), real)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/site/index.html',
      'delete removed s3://my-bucket/site/gone.html',
    ])
    expect(result.failureCount).toBe(3)
    expect(result.failures.map((l) => l.slice(0, 20))).toEqual([
      'upload failed: publi',
      'delete failed: s3://',
      'fatal error: An erro',
    ])
    // `warning: Skipping file …` is known output, not an unreadable line.
    expect(result.unreadableCount).toBe(0)
    const [warning] = syncLogWarnings(result)
    expect(warning).toMatch(/^sync-log: the log reports 3 failed or aborted operations; /)
    expect(warning).toContain('"upload failed: public/video.mp4 to s3://my-bucket/site/video.mp4 An error')
  })

  it('reads copies and moves across buckets, and lists the buckets changed', () => {
    const result = parseSyncLog(fixture('aws-multi-bucket.txt'), real)
    expect(summary(result)).toEqual([
      'upload written s3://assets-bucket/v2/app.js',
      'upload written s3://www-bucket/index.html',
      'copy written s3://www-bucket/about.html',
      'move removed s3://www-bucket/drafts/post 1.html',
      'move written s3://www-bucket/posts/post 1.html',
    ])
    // A copy's source is read, not changed: staging-bucket is not listed.
    expect(bucketsIn(result.changes)).toEqual(['assets-bucket', 'www-bucket'])
  })

  it('ignores downloads and local deletes; a move to disk removes its S3 source', () => {
    const result = parseSyncLog(fixture('aws-download.txt'), real)
    // The key holds " to ": the split whose two sides share the file name wins.
    expect(summary(result)).toEqual(['move removed s3://my-bucket/inbox/report to q3.csv'])
    expect(result.unreadableCount).toBe(0)
  })

  it('reads a Windows log (CRLF, backslashes)', () => {
    const text = fixture('aws-windows.txt')
    expect(text).toContain('\r\n')
    const result = parseSyncLog(text, real)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/index.html',
      'upload written s3://my-bucket/docs/read me.html',
    ])
    expect(result.changes.map((c) => c.line)).toEqual([1, 2])
    expect(result.unreadableCount).toBe(0)
  })
})

describe('parseSyncLog on s5cmd logs', () => {
  it('reads cp/mv/rm lines and ERROR lines', () => {
    const result = parseSyncLog(fixture('s5cmd-sync.txt'), real)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/site/index.html',
      'upload written s3://my-bucket/site/blog/hello world.html',
      'upload written s3://my-bucket/site/café/menü.html',
      'delete removed s3://my-bucket/site/old page.html',
      'move removed s3://my-bucket/tmp/draft one.html',
      'move written s3://my-bucket/site/draft one.html',
      'copy written s3://my-bucket/site/about.html',
    ])
    expect(result.failureCount).toBe(1)
    expect(result.failures[0]).toMatch(/^ERROR "cp public\/video\.mp4 /)
    expect(result.unreadableCount).toBe(0)
  })

  it('reads --json output', () => {
    const result = parseSyncLog(fixture('s5cmd-json.txt'), real)
    expect(summary(result)).toEqual([
      'upload written s3://my-bucket/site/index.html',
      'upload written s3://my-bucket/site/a b.html',
      'delete removed s3://my-bucket/site/old.html',
      'move removed s3://my-bucket/tmp/x.html',
      'move written s3://my-bucket/site/x.html',
    ])
    expect(result).toMatchObject({ failureCount: 1, unreadableCount: 0 })
  })
})

describe('parseSyncLog, one line at a time', () => {
  const changes: Array<[string, string, string[]]> = [
    [
      'key with spaces',
      'upload: ./a b.html to s3://bucket/a b.html',
      ['upload written s3://bucket/a b.html'],
    ],
    ['stream from stdin', 'upload: - to s3://bucket/stream.txt', ['upload written s3://bucket/stream.txt']],
    ['padding dropped', 'upload: x to s3://b/k.html      ', ['upload written s3://b/k.html']],
    // The documented loss: a key's own trailing spaces look like padding.
    ['trailing space in a key', 'upload: x  to s3://b/k ', ['upload written s3://b/k']],
    ['local name holding " to "', 'upload: a to b to s3://b/a to b', ['upload written s3://b/a to b']],
    [
      'S3 keys holding " to s3://"',
      'copy: s3://a/p to s3://q to s3://b/p to s3://q',
      ['copy written s3://b/p to s3://q'],
    ],
    [
      'rename: no shared name, first split',
      'move: s3://a/x to s3://b/y',
      ['move removed s3://a/x', 'move written s3://b/y'],
    ],
    ['move from disk', 'move: ./x.html to s3://b/x.html', ['move written s3://b/x.html']],
    ['folder object', 'delete: s3://b/dir/', ['delete removed s3://b/dir/']],
    ['double slash in a key', 'delete: s3://b/a//b.html', ['delete removed s3://b/a//b.html']],
    [
      'access point ARN',
      'upload: a.txt to s3://arn:aws:s3:us-west-2:123456789012:accesspoint/myap/dir/a.txt',
      ['upload written s3://arn:aws:s3:us-west-2:123456789012:accesspoint/myap/dir/a.txt'],
    ],
    ['U+2028 in a key', 'delete: s3://b/a\u2028b', ['delete removed s3://b/a\u2028b']],
    ['s5cmd upload with spaces', 'cp a b.txt s3://b/a b.txt', ['upload written s3://b/a b.txt']],
    ['s5cmd copy with spaces', 'cp s3://a/x y s3://b/x y', ['copy written s3://b/x y']],
    ['s5cmd move to disk', 'mv s3://b/k.csv out/k.csv', ['move removed s3://b/k.csv']],
    ['s5cmd delete', 'rm s3://b/k', ['delete removed s3://b/k']],
  ]
  it.each(changes)('%s', (_name, line, expected) => {
    const result = parseSyncLog(line, real)
    expect(summary(result)).toEqual(expected)
    expect(result.unreadableCount).toBe(0)
  })

  const ignored: Array<[string, string]> = [
    ['blank', ''],
    ['padding only', '                    '],
    ['byte progress', 'Completed 12.0 MiB/20.1 MiB (3.2 MiB/s) with 5 file(s) remaining'],
    ['estimating', 'Completed 1.0 KiB/~9.0 KiB (2.0 KiB/s) with ~3 file(s) remaining (calculating...)'],
    ['file progress', 'Completed 3 file(s) with 2 file(s) remaining'],
    ['skipped file', 'warning: Skipping file /tmp/x. File/Directory is not readable.'],
    ['download', 'download: s3://b/k to k'],
    ['dry-run download', '(dryrun) download: s3://b/k to k'],
    ['local delete', 'delete: site/old.html'],
    ['s5cmd local delete', 'rm site/old.html'],
    ['s5cmd download', 'cp s3://b/k.txt k.txt'],
    ['s5cmd debug', 'DEBUG "cp a s3://b/a": object size matches'],
    ['s5cmd json, no change', '{"operation":"ls","success":true,"source":"s3://b/"}'],
  ]
  it.each(ignored)('ignores %s', (_name, line) => {
    const result = parseSyncLog(line, preview)
    expect(result).toEqual(parseSyncLog('', preview))
  })

  const failures: Array<[string, string]> = [
    [
      'upload failed',
      'upload failed: ./x to s3://b/x An error occurred (SlowDown) when calling the PutObject operation',
    ],
    ['copy failed', 'copy failed: s3://a/x to s3://b/x An error occurred (AccessDenied)'],
    ['fatal error', 'fatal error: Unable to locate credentials'],
    ['ctrl-c', 'cancelled: ctrl-c received'],
    ['s5cmd error', 'ERROR "rm s3://b/k": AccessDenied: Access Denied'],
    ['s5cmd json error', '{"operation":"rm","command":"rm s3://b/k","error":"AccessDenied"}'],
  ]
  it.each(failures)('counts %s as a failure, not a change', (_name, line) => {
    const result = parseSyncLog(line, real)
    expect(result).toMatchObject({ changes: [], failures: [line], failureCount: 1, unreadableCount: 0 })
  })

  const unreadable: Array<[string, string]> = [
    ['no S3 side', 'upload: x to y'],
    ['bucket without key', 'delete: s3://bucket'],
    ['bucket root', 'delete: s3://bucket/'],
    ['no bucket', 'delete: s3:///k'],
    ['copy from disk', 'copy: ./local to s3://b/k'],
    ['unknown text', 'Traceback (most recent call last):'],
    ['other JSON', '{"visited":"cp","success visits":3}'],
    ['broken JSON', '{"operation":"cp",'],
    ['s5cmd, one argument', 'cp lonely'],
  ]
  it.each(unreadable)('reports %s as unreadable', (_name, line) => {
    const result = parseSyncLog(line, real)
    expect(result).toMatchObject({ changes: [], unreadable: [line], unreadableCount: 1, failureCount: 0 })
  })
})

describe('parseSyncLog, the text as a whole', () => {
  it('splits on \\n, \\r\\n and bare \\r, drops a BOM, and numbers lines by \\n', () => {
    const text = '\uFEFFdelete: s3://b/1\r\ndelete: s3://b/2\rdelete: s3://b/3\n\ndelete: s3://b/4'
    const result = parseSyncLog(text, real)
    expect(result.changes.map((c) => [c.key, c.line])).toEqual([
      ['1', 1],
      ['2', 2],
      ['3', 2],
      ['4', 4],
    ])
  })

  it('takes the real lines of a log that also holds a dry run', () => {
    const text = '(dryrun) upload: a to s3://b/a\n(dryrun) download: s3://b/z to z\nupload: a to s3://b/a\n'
    const result = parseSyncLog(text, real)
    expect(summary(result)).toEqual(['upload written s3://b/a'])
    expect(result.skippedDryRun).toBe(1)
  })

  it(`quotes the first ${QUOTED_LINES} unreadable lines and counts the rest`, () => {
    const lines = Array.from({ length: QUOTED_LINES + 3 }, (_, i) => `garbage ${i}`)
    const result = parseSyncLog(lines.join('\n'), real)
    expect(result.unreadable).toEqual(lines.slice(0, QUOTED_LINES))
    expect(result.unreadableCount).toBe(QUOTED_LINES + 3)
    expect(syncLogWarnings(result)).toEqual([
      'sync-log: ignored 8 lines that are not aws s3 or s5cmd output: ' +
        '"garbage 0", "garbage 1", "garbage 2", "garbage 3", "garbage 4" and 3 more',
    ])
  })

  it('an empty log, or one without changes, has no changes and no warnings', () => {
    for (const text of ['', '\n\n', 'Completed 0 file(s) with 0 file(s) remaining\r   \n']) {
      const result = parseSyncLog(text, real)
      expect(result.changes).toEqual([])
      expect(syncLogWarnings(result)).toEqual([])
    }
  })
})

describe('requireSingleBucket', () => {
  it('returns the one bucket, or undefined for no changes', () => {
    expect(requireSingleBucket([change('b', 'x'), change('b', 'y')])).toBe('b')
    expect(requireSingleBucket([])).toBeUndefined()
  })

  it('throws an InputError on sync-log listing the buckets', () => {
    const { changes } = parseSyncLog(fixture('aws-multi-bucket.txt'), real)
    const error = (() => {
      try {
        requireSingleBucket(changes)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(InputError)
    expect(error).toMatchObject({ input: 'sync-log' })
    expect(String(error)).toContain('2 buckets (assets-bucket, www-bucket)')
    expect(String(error)).toContain('Set origin-path: auto')
  })
})

describe('relativePaths', () => {
  const changes = [
    change('b', 'site/index.html'),
    change('b', 'site/a b.html'),
    change('b', 'site/index.html', { op: 'delete', effect: 'removed' }),
    change('b', 'other/x.html'),
    change('b', 'site/'),
    change('c', 'site/y.html'),
  ]
  const table: Array<[string, string, string[], string[]]> = [
    // origin path as typed, paths, outside
    ['', '', ['site/index.html', 'site/a b.html', 'other/x.html', 'site/'], []],
    ['/site', '/site', ['index.html', 'a b.html'], ['s3://b/other/x.html']],
    ['site/', 'site/', ['index.html', 'a b.html'], ['s3://b/other/x.html']],
    ['/other/', '/other/', ['x.html'], ['s3://b/site/index.html', 's3://b/site/a b.html', 's3://b/site/']],
  ]
  it.each(table)('origin path %j', (_name, originPath, paths, outside) => {
    const result = relativePaths(
      changes.filter((c) => c.bucket === 'b'),
      () => originPath,
    )
    expect(result).toEqual({ paths, outside, unserved: [] })
  })

  it('skips buckets the distribution does not serve, asking once per bucket', () => {
    const asked: string[] = []
    const result = relativePaths(changes, (bucket) => {
      asked.push(bucket)
      return bucket === 'c' ? '/site' : undefined
    })
    expect(result).toEqual({ paths: ['y.html'], outside: [], unserved: ['b'] })
    expect(asked).toEqual(['b', 'c'])
  })
})

describe('warning texts', () => {
  it('outsideWarning quotes the first few keys', () => {
    const outside = Array.from({ length: 7 }, (_, i) => `s3://b/old/${i}.html`)
    expect(outsideWarning(outside, '/site')).toBe(
      'sync-log: skipped 7 objects outside origin path "/site", which the distribution does not serve: ' +
        '"s3://b/old/0.html", "s3://b/old/1.html", "s3://b/old/2.html", "s3://b/old/3.html", ' +
        '"s3://b/old/4.html" and 2 more',
    )
  })

  it('outsideWarning without an origin path (origin-path: auto)', () => {
    expect(outsideWarning(['s3://b/x'])).toBe(
      'sync-log: skipped 1 object outside their origin path, which the distribution does not serve: "s3://b/x"',
    )
  })

  it('unservedWarning names the buckets', () => {
    expect(unservedWarning(['logs-bucket'])).toBe(
      'sync-log: skipped the objects of 1 bucket that none of the distributions serves: logs-bucket',
    )
  })
})
