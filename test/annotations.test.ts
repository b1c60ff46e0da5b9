/**
 * GitHub shows at most 10 warning and 10 error annotations per step: the budget folds warnings by kind
 * (one annotation each, with its count) and keeps errors within the limit, logging everything.
 */
import { describe, expect, it } from 'vitest'
import { AnnotationBudget } from '../src/io.js'

function sink(): { annotations: [string, string][]; log: string[]; budget: AnnotationBudget } {
  const annotations: [string, string][] = []
  const log: string[] = []
  const budget = new AnnotationBudget({
    annotate: (level, m) => annotations.push([level, m]),
    log: (m) => log.push(m),
  })
  return { annotations, log, budget }
}

describe('AnnotationBudget', () => {
  it('folds repeats of a kind into one annotation with a count, logging each at once', () => {
    const { annotations, log, budget } = sink()
    for (let i = 1; i <= 30; i++)
      budget.warning(`CreateInvalidation: Throttling; retry ${i}`, 'retry Throttling')
    budget.warning('ListInvalidations was denied')
    expect(annotations).toEqual([]) // made at the end, when the counts are known
    expect(log).toHaveLength(31)
    budget.flush()
    expect(annotations).toEqual([
      ['warning', 'CreateInvalidation: Throttling; retry 1 (and 29 more like it: see the log)'],
      ['warning', 'ListInvalidations was denied'],
    ])
  })

  it('never makes more than 10 warning annotations, however many kinds', () => {
    const { annotations, budget } = sink()
    for (let i = 0; i < 25; i++) budget.warning(`kind ${i}`)
    budget.flush()
    expect(annotations).toHaveLength(10)
    expect(annotations[9]).toEqual([
      'warning',
      '16 more warnings of 16 other kinds: see the log and the job summary',
    ])
  })

  it('annotates errors at once, up to 9, keeping one for the last line, and counts the rest', () => {
    const { annotations, log, budget } = sink()
    for (let i = 0; i < 12; i++) budget.error(`E${i}: no such distribution`)
    expect(annotations).toHaveLength(9)
    expect(budget.heldErrors).toBe(3)
    expect(log).toEqual([
      'Error: E9: no such distribution',
      'Error: E10: no such distribution',
      'Error: E11: no such distribution',
    ])
  })
})
