/**
 * Entry point of the bundle. The runner starts `node dist/index.js`; the CLI (bin/cloudfront-invalidate.js)
 * starts the same bundle with CLOUDFRONT_INVALIDATE_MODE=cli. Each side loads only what it needs.
 */
// Source-mapped stack traces only when someone will read them (step debug logging, or the CLI's
// --verbose): the bundle's own source-map support cost ~50 ms on every run. Node maps the chunks that
// load after this line.
if (
  process.env.RUNNER_DEBUG === '1' ||
  process.env.ACTIONS_STEP_DEBUG === 'true' ||
  process.argv.includes('--verbose') ||
  process.argv.includes('-v')
) {
  process.setSourceMapsEnabled(true)
}

if (process.env.CLOUDFRONT_INVALIDATE_MODE === 'cli') {
  const { runCli } = await import('./cli/index.js')
  process.exitCode = await runCli(process.argv.slice(2))
} else {
  const { run } = await import('./main.js')
  await run()
}

// Outputs, summary and the last line are written. Whatever still runs past the deadline (a credential
// process the AWS SDK started, a request to an endpoint that never answers: cloudfront/clock.ts
// `untilAborted`) must not hold the step open; a run that ended cleanly has exited before this fires.
setTimeout(() => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit()))
}, 1000).unref()
