/** The release, as in package.json (a test keeps them equal): shown by --version and in the user agent. */
export const VERSION = '1.0.0'

/** The user agent of every request, to CloudFront and to the edge (the action's and the CLI's alike). */
export const USER_AGENT = `cloudfront-invalidate/${VERSION}`

/** The npm package (package.json `name`; a test keeps them equal). The command it installs is `cloudfront-invalidate`. */
export const PACKAGE_NAME = 'cloudfront-invalidate-action'

/** The documentation pages, for messages that send a user to one (a test checks that each page exists). */
export const DOCS_URL = 'https://github.com/cloudfront-invalidate/cloudfront-invalidate/blob/main/docs'
