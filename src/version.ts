/** The release, as in package.json (a test keeps them equal): shown by --version and in the user agent. */
export const VERSION = '0.1.0'
