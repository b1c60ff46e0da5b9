/**
 * Which Node.js versions the CLI supports, and the one line it prints on an older one. (The action itself
 * always runs on the runner's Node 24: `runs.using: node24`.)
 */

/**
 * The oldest supported Node.js major, as package.json `engines` says (`>=22`; a test keeps them equal).
 * Node 20 reached end of life on 2026-04-30 (https://nodejs.org/en/about/previous-releases); the AWS SDK
 * for JavaScript v3 requires Node 22 in its releases from January 2027 and warns about older ones today;
 * some bundled packages (content-type, through @actions/github) already declare `>=22`.
 */
export const MIN_NODE_MAJOR = 22

/**
 * The warning for a Node.js older than {@link MIN_NODE_MAJOR}, one line naming the supported versions;
 * undefined for a supported (or unrecognised) version.
 *
 * @param version as `process.version` gives it: `v20.20.2`.
 */
export function unsupportedNode(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1])
  if (!(major < MIN_NODE_MAJOR)) return undefined
  return `Node.js ${version} is not supported: use Node.js ${MIN_NODE_MAJOR} or later (24 is what GitHub's runner uses and what the tests run on)`
}

/**
 * On an unsupported Node.js, write {@link unsupportedNode}'s line to `write` and silence the AWS SDK's own
 * warning about the same thing (nine lines, printed when the client is created), so the user reads it
 * once. The SDK reads the variable when it warns, so setting it before the first client is enough.
 */
export function warnIfUnsupportedNode(write: (line: string) => void, version = process.version): void {
  const line = unsupportedNode(version)
  if (line === undefined) return
  write(line)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
}
