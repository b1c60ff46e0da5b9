import { describe, expect, it } from 'vitest'
import {
  changedPaths,
  parseNameStatus,
  rootPrefix,
  underRoot,
  type NameStatusEntry,
} from '../src/paths/git-diff.js'
import { apiChangedPaths, type ApiFile } from '../src/sources/github-api.js'

// `git diff --name-status -z` output is NUL-separated; build it from fields so the tables stay readable.
const z = (...fields: string[]): string => fields.map((field) => `${field}\0`).join('')

describe('parseNameStatus', () => {
  const cases: Array<[string, string, NameStatusEntry[]]> = [
    ['empty output', '', []],
    [
      'added, modified, deleted',
      z('A', 'a.html', 'M', 'b.css', 'D', 'c.js'),
      [
        { status: 'A', path: 'a.html' },
        { status: 'M', path: 'b.css' },
        { status: 'D', path: 'c.js' },
      ],
    ],
    [
      'rename: source first, with its score',
      z('R100', 'old.html', 'new.html'),
      [{ status: 'R', path: 'new.html', from: 'old.html', score: 100 }],
    ],
    [
      'copy with a partial score',
      z('C075', 'src.js', 'copy.js'),
      [{ status: 'C', path: 'copy.js', from: 'src.js', score: 75 }],
    ],
    [
      'type change and unmerged',
      z('T', 'link', 'U', 'conflict.txt'),
      [
        { status: 'T', path: 'link' },
        { status: 'U', path: 'conflict.txt' },
      ],
    ],
    [
      'modified with a dissimilarity score (-B)',
      z('M070', 'rewritten.js'),
      [{ status: 'M', path: 'rewritten.js', score: 70 }],
    ],
    [
      'spaces, tabs, quotes and newlines come through raw',
      z('A', 'a b/c\td "e"\nf.html'),
      [{ status: 'A', path: 'a b/c\td "e"\nf.html' }],
    ],
    [
      'non-ASCII names are not octal-escaped',
      z('M', 'café/ünï 日本.html'),
      [{ status: 'M', path: 'café/ünï 日本.html' }],
    ],
    [
      'a name that looks like a status',
      z('M', 'A', 'R100', 'M', 'D'),
      [
        { status: 'M', path: 'A' },
        { status: 'R', path: 'D', from: 'M', score: 100 },
      ],
    ],
    [
      'output without the final NUL',
      'M\0a.html\0D\0b.html',
      [
        { status: 'M', path: 'a.html' },
        { status: 'D', path: 'b.html' },
      ],
    ],
  ]
  it.each(cases)('%s', (_, input, expected) => {
    expect(parseNameStatus(input)).toEqual(expected)
  })

  const bad: Array<[string, string, RegExp]> = [
    ['an unknown status letter', z('Q', 'a.html'), /Unexpected status "Q"/],
    ['a lowercase status', z('m', 'a.html'), /Unexpected status "m"/],
    ['a rename cut after one name', z('R100', 'old.html'), /ends inside the entry for status R100/],
    ['a status without a name', z('M'), /ends inside/],
    ['a name where a status should be (not -z output)', 'M\ta.html\n', /Unexpected status/],
  ]
  it.each(bad)('throws on %s', (_, input, message) => {
    expect(() => parseNameStatus(input)).toThrow(message)
  })
})

describe('changedPaths: which names a diff makes stale', () => {
  const cases: Array<[string, NameStatusEntry[], string[]]> = [
    [
      'added, modified and deleted files all count',
      [
        { status: 'A', path: 'new.html' },
        { status: 'M', path: 'edited.html' },
        { status: 'D', path: 'gone.html' },
      ],
      ['edited.html', 'gone.html', 'new.html'],
    ],
    [
      'a rename counts under both names',
      [{ status: 'R', path: 'b.html', from: 'a.html', score: 90 }],
      ['a.html', 'b.html'],
    ],
    [
      'a copy counts under its new name only: the source did not change',
      [{ status: 'C', path: 'copy.html', from: 'src.html', score: 100 }],
      ['copy.html'],
    ],
    ['type changes count', [{ status: 'T', path: 'link.html' }], ['link.html']],
    [
      'repeats are dropped and the result sorted',
      [
        { status: 'M', path: 'z.html' },
        { status: 'R', path: 'a.html', from: 'z.html' },
      ],
      ['a.html', 'z.html'],
    ],
  ]
  it.each(cases)('%s', (_, entries, expected) => {
    expect(changedPaths(entries)).toEqual(expected)
  })
})

describe('apiChangedPaths: the same rules for GitHub file lists', () => {
  const cases: Array<[string, ApiFile[], string[]]> = [
    [
      'every status counts, removed included',
      [
        { filename: 'a.html', status: 'added' },
        { filename: 'b.html', status: 'removed' },
        { filename: 'c.html', status: 'modified' },
        { filename: 'd.html', status: 'changed' },
      ],
      ['a.html', 'b.html', 'c.html', 'd.html'],
    ],
    [
      'renamed: both names',
      [{ filename: 'new.html', status: 'renamed', previous_filename: 'old.html' }],
      ['new.html', 'old.html'],
    ],
    [
      'copied: the new name only',
      [{ filename: 'copy.html', status: 'copied', previous_filename: 'src.html' }],
      ['copy.html'],
    ],
  ]
  it.each(cases)('%s', (_, files, expected) => {
    expect(apiChangedPaths(files)).toEqual(expected)
  })
})

describe('rootPrefix', () => {
  const cases: Array<[string, string | undefined]> = [
    ['.', ''],
    ['', ''],
    ['./', ''],
    ['site', 'site'],
    ['./site/', 'site'],
    ['site//public/', 'site/public'],
    ['site\\public', 'site/public'],
    ['site/../docs', 'docs'],
    ['..', undefined],
    ['site/../../x', undefined],
    ['/abs/site', undefined],
    ['C:\\site', undefined],
  ]
  it.each(cases)('%j -> %j', (root, expected) => {
    expect(rootPrefix(root)).toBe(expected)
  })
})

describe('underRoot', () => {
  const paths = ['README.md', 'site', 'site/index.html', 'site/a b/c.html', 'sitemap.xml', 'site-old/x.html']
  const cases: Array<[string, string[]]> = [
    ['', paths],
    ['site', ['index.html', 'a b/c.html']],
    ['site/a b', ['c.html']],
    ['docs', []],
  ]
  it.each(cases)('prefix %j', (prefix, expected) => {
    expect(underRoot(paths, prefix)).toEqual(expected)
  })
})
