/**
 * Entry point of the bundle. The runner starts `node dist/index.js`; the CLI (bin/cloudfront-invalidate.js)
 * starts the same bundle with CLOUDFRONT_INVALIDATE_MODE=cli. Each side loads only what it needs.
 */
if (process.env.CLOUDFRONT_INVALIDATE_MODE === 'cli') {
  const { runCli } = await import('./cli.js')
  process.exitCode = await runCli(process.argv.slice(2))
} else {
  const { run } = await import('./main.js')
  await run()
}
