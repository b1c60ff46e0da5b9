/**
 * One message, two voices: the action's messages name inputs and workflow remedies, the CLI's the same
 * messages with flags and terminal remedies. Each row produces a message under both voices.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cliVoice } from '../src/cli/voice.js'
import { explain } from '../src/cloudfront/errors.js'
import { chunkItems } from '../src/paths/chunk.js'
import { errorMessage } from '../src/errors.js'
import { readInputs } from '../src/inputs.js'
import { emptyState, endingLine } from '../src/report.js'
import { resolveRange } from '../src/sources/event.js'
import { apiError } from '../src/sources/github-api.js'
import { speakAs, voice, WORKFLOW_VOICE } from '../src/voice.js'
import { classifyAnswer, likelyCause, plainText } from '../src/verify/classify.js'

const sdkError = (name: string, status = 400): Error =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } })

/** The message `fn` gives (returned, or thrown). */
const message = (fn: () => unknown): string => {
  try {
    return String(fn())
  } catch (e) {
    return errorMessage(e)
  }
}
const inputs = (given: Record<string, string>) => () =>
  readInputs((n) => given[n] ?? '', { GITHUB_WORKSPACE: '/w' })
const items = [{ kind: 'path' as const, value: '/a' }]

const ROWS: [string, () => unknown, RegExp, RegExp][] = [
  [
    'no credentials',
    () => explain(sdkError('CredentialsProviderError'), 'CreateInvalidation', 'E1'),
    /run aws-actions\/configure-aws-credentials before this step .*or use dry-run: true to plan without AWS/,
    /set AWS_PROFILE or pass --profile \(for an SSO profile, run `aws sso login --profile NAME` first\).*; --dry-run plans without AWS/,
  ],
  [
    'expired credentials',
    () => explain(sdkError('ExpiredToken', 403), 'CreateInvalidation', 'E1'),
    /AWS rejected the credentials \(ExpiredToken\): .*configure-aws-credentials/,
    /AWS rejected the credentials \(ExpiredToken\): .*aws sso login/,
  ],
  [
    'a caller reference reused',
    () => explain(sdkError('InvalidationBatchAlreadyExists', 409), 'CreateInvalidation', 'E1'),
    /set a new 'caller-reference'/,
    /set a new --caller-reference/,
  ],
  [
    'an input error',
    inputs({ 'distribution-id': 'E2EXAMPLE0000', paths: '/x', collapse: 'off', 'max-paths': '5' }),
    /^Input 'max-paths': is set \("5"\) beside collapse: off; use collapse: auto, or drop 'max-paths'$/,
    /^--max-paths: is set \("5"\) beside --collapse off; use --collapse auto, or drop --max-paths$/,
  ],
  [
    'nothing to invalidate',
    inputs({ 'distribution-id': 'E2EXAMPLE0000' }),
    /give 'paths', 'paths-file', 'files', 'diff' or 'sync-log'$/,
    /give --paths, --paths-file, --files, --diff or --sync-log$/,
  ],
  [
    'the region',
    inputs({ 'distribution-id': 'E2EXAMPLE0000', paths: '/x', 'aws-region': 'moon' }),
    /^Input 'aws-region': "moon"/,
    /^--region: "moon"/,
  ],
  [
    'the timeout past what a timer holds',
    inputs({ 'distribution-id': 'E2EXAMPLE0000', paths: '/x', timeout: '597h' }),
    /^Input 'timeout': "597h" is longer than a timer can hold: at most 596h/,
    /^--timeout: "597h" is longer than a timer can hold: at most 596h/,
  ],
  [
    'a URL given as a path',
    inputs({ 'distribution-id': 'E2EXAMPLE0000', paths: 'https://example.com/a' }),
    /^Input 'paths': .* give its path, "\/a" \(the domain comes from 'distribution-id'\)$/,
    /^--paths: .* give its path, "\/a" \(the domain comes from --distribution-id\)$/,
  ],
  [
    'wait-for with a bad id',
    inputs({ 'wait-for': 'E2EXAMPLE0000/x' }),
    /^Input 'wait-for': .*"x" is not an invalidation id \(or '\*' for everything in progress/,
    /^--wait-for: .*"x" is not an invalidation id \(or '\*' for everything in progress/,
  ],
  [
    'diff: auto outside a push or pull request',
    () => resolveRange('schedule', {}, 'auto'),
    /give the range yourself, e\.g\. diff: v1\.2\.0\.\.HEAD/,
    /give the range yourself, e\.g\. --diff v1\.2\.0\.\.HEAD/,
  ],
  [
    'a stale directory URL: its fix',
    () => plainText(likelyCause({ path: '/docs/', submitted: '/docs/index.html', kind: 'directory' }).fix),
    /^add `\/docs\/` to 'paths' \(a file matched by 'files' gets its directory URL through 'index-document'\)$/,
    /^add `\/docs\/` to --paths \(a file matched by --files gets its directory URL through --index-document\)$/,
  ],
  [
    'a stale path of unknown cause: its fix',
    () => plainText(likelyCause({ path: '/a.js', submitted: '/a.js', kind: 'path' }).fix),
    /^check that 'prefix' \(or 'origin-path'\) maps .* that 'verify-url' reaches/,
    /^check that --prefix \(or --origin-path\) maps .* that --verify-url reaches/,
  ],
  [
    "an edge answer that is not CloudFront's",
    () => classifyAnswer({ status: 200, at: 0 }, 0).detail,
    /not answered by CloudFront \(check 'verify-url'\)$/,
    /not answered by CloudFront \(check --verify-url\)$/,
  ],
  [
    'a GitHub token without permission',
    () => apiError(Object.assign(new Error('Forbidden'), { status: 403 }), 'compare', 'contents: read'),
    /add 'permissions: \{ contents: read \}' to the job$/,
    /use a token \(--github-token or GITHUB_TOKEN\) that has 'contents: read'$/,
  ],
  [
    'timed out waiting',
    () =>
      endingLine(
        emptyState({
          wait: true,
          plans: [{ distributionId: 'E1', requested: items, items, batches: chunkItems(items, 3000) }],
          records: [
            { distributionId: 'E1', id: 'I1', status: 'InProgress', pathCount: 1, createTime: '', batch: 0 },
          ],
          ending: 'timeout',
        }),
        60_000,
      ),
    /their ids are in the outputs\. Raise 'timeout', or use on-timeout: warn to end with a warning\.$/,
    /their ids are in the table above\. Raise --timeout, or use --on-timeout warn to end with a warning\.$/,
  ],
]

/** What a terminal user never needs to read. */
const WORKFLOW_WORDS =
  /configure-aws-credentials|actions\/checkout|fetch-depth|permissions: \{|Input '|\b[a-z-]+: (true|false|auto|off)\b|'(paths|files|prefix|origin-path|index-document|verify-url)'|job summary/

afterEach(() => {
  speakAs(WORKFLOW_VOICE)
})

describe('voices', () => {
  it.each(ROWS)('%s', (_, fn, workflow, terminal) => {
    expect(voice()).toBe(WORKFLOW_VOICE)
    expect(message(fn)).toMatch(workflow)
    const restore = speakAs(cliVoice({ dryRun: true, json: false }))
    const cli = message(fn)
    restore()
    expect(cli).toMatch(terminal)
    expect(cli).not.toMatch(WORKFLOW_WORDS)
  })

  it('the CLI voice quotes values a shell would split, and negates booleans', () => {
    const v = cliVoice({ dryRun: false, json: true })
    expect(v.setting('wait', false)).toBe('--no-wait')
    expect(v.setting('prefix', '/my docs/')).toBe("--prefix '/my docs/'")
    expect(v.option('aws-region')).toBe('--region')
    expect(v.credentials).not.toContain('--dry-run')
    expect(v.results).toBe('the JSON on stdout')
  })

  it('with --profile given, the remedy is about that profile, not "pass --profile"', () => {
    const v = cliVoice({ dryRun: false, json: false, profile: 'dev' })
    expect(v.credentials).toBe(
      'check that --profile dev is in ~/.aws/config (`aws configure list-profiles`), and for an SSO profile run `aws sso login --profile dev` first',
    )
  })
})
