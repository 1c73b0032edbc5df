import {expect} from 'chai'
import {LIST_PAGE, nextRequest, type PollRequest, type Spot} from '../../src/services/poll-plan.js'

// Which request the run monitor sends next, for runs at known places in the newest-first list.
describe('poll plan', () => {
  const spot = (id: number, pos: number, due = 0): Spot => ({id, due, pos, alone: false, searchFrom: 0})
  /** The list reads one sweep makes: each read's runs are looked at (due later), then the next most overdue. */
  function sweep(spots: Spot[], origin?: number): {skips: number[]; origin?: number} {
    const skips: number[] = []
    let now = 1
    for (;;) {
      const r = nextRequest(spots, now, origin) as Extract<PollRequest, {kind: 'list'}> | undefined
      if (!r) return {skips, origin}
      expect(r.kind).to.equal('list')
      skips.push(r.skip)
      origin = r.origin
      for (const s of spots) if (r.expect.includes(s.id)) s.due = now + 1_000_000
      now++
    }
  }

  it('reads 300 runs in a row as three pages from the newest', () => {
    const spots = Array.from({length: 300}, (_, i) => spot(i + 1, i))
    expect(sweep(spots).skips).to.deep.equal([0, 100, 200])
  })

  it('keeps reading the same pages as runs finish, so each run is read with the same others every time', () => {
    const spots = Array.from({length: 300}, (_, i) => spot(i + 1, i))
    const {origin} = sweep(spots)
    // The newest run and the first of each page finish: they are no longer watched.
    const left = spots.filter((s) => s.pos! % LIST_PAGE !== 0).map((s) => ({...s, due: 0}))
    expect(sweep(left, origin).skips).to.deep.equal([0, 100, 200])
  })

  it('counts the pages from the newest run again when that takes fewer reads', () => {
    // Pages counted from place 0 would need three reads for places 50-249; from place 50, two do.
    const spots = Array.from({length: 200}, (_, i) => spot(i + 1, i + 50))
    expect(sweep(spots, 0).skips).to.deep.equal([50, 150])
  })

  it('reads runs newer than the first page with a page of their own', () => {
    const spots = [...Array.from({length: 100}, (_, i) => spot(i + 1, i + 130)), spot(501, 3), spot(502, 10)]
    // Counted from 130: the two new runs are a page before it, which starts at the top of the list.
    expect(sweep(spots, 130).skips.sort((a, b) => a - b)).to.deep.equal([0, 130])
  })
})
