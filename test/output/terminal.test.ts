import {expect} from 'chai'
import {boardLines, LiveBoard} from '../../src/output/board.js'
import type {RunRecord} from '../../src/services/state.js'
import {displayWidth, screenRows} from '../../src/output/format.js'
import {logLine} from '../../src/output/views.js'

/** A terminal of `columns` that records what is written to it. */
const terminal = (columns: number) => {
  const chunks: string[] = []
  return {chunks, stream: {columns, write: (s: string) => chunks.push(s) > 0} as unknown as NodeJS.WriteStream}
}

describe('terminal output', () => {
  it('the live board moves up by the screen rows it drew, counting wrapped lines (F-60)', () => {
    const out = terminal(50)
    const err = terminal(50)
    const board = new LiveBoard(out.stream, err.stream)
    const long = `run 7061  \u001b[33mACTIVE\u001b[39m  https://codegen.com/agent/trace/7061?x=${'y'.repeat(30)}`
    expect(screenRows(long, 50)).to.equal(2)
    board.draw([long, 'run 7062  ACTIVE'])
    board.draw(['run 7061  COMPLETE', 'run 7062  COMPLETE'])
    // Three screen rows were drawn (2 + 1), so the redraw goes up three.
    expect(out.chunks[1]).to.equal('\u001b[3A\u001b[0J')
    // A message goes above the board, which is drawn again below it.
    board.note('Watching 2 agent runs')
    expect(out.chunks.slice(3)).to.deep.equal(['\u001b[2A\u001b[0J', 'run 7061  COMPLETE\nrun 7062  COMPLETE\n'])
    expect(err.chunks).to.deep.equal(['Watching 2 agent runs\n'])
  })

  it('the board has a header and columns aligned across runs, its cells sanitised (F-60)', () => {
    const record = (r: Partial<RunRecord> & {id: number}): RunRecord => ({
      status: 'ACTIVE',
      prs: [],
      watched_since: '',
      watched: true,
      ...r,
    })
    const lines = boardLines(
      [
        record({id: 7061, repo: 'acme/safety-core', web_url: 'https://codegen.com/agent/trace/7061'}),
        record({
          id: 10042,
          status: 'COMPLETE\u001b]2;T\u0007',
          prs: [{id: 1, url: 'https://github.com/acme/api/pull/12'}],
        }),
      ],
      {color: false},
    )
    expect(lines[0]).to.match(/^RUN\s+STATUS\s+REPO\s+PR OR WEB/)
    expect(lines).to.have.length(3)
    const column = (line: string, text: string) => line.indexOf(text)
    expect(column(lines[1], 'ACTIVE')).to.equal(column(lines[2], 'COMPLETE')).and.to.equal(column(lines[0], 'STATUS'))
    expect(column(lines[1], 'https://codegen')).to.equal(column(lines[2], 'https://github'))
    expect(lines.join('\n')).not.to.contain('\u001b')
  })

  it('the board of an attempt group (watch --group) says which attempt each run is', () => {
    const record = (id: number, attempt?: number): RunRecord => ({id, status: 'ACTIVE', prs: [], watched_since: '', watched: true, attempt})
    const lines = boardLines([record(7061, 1), record(7062, 2)], {color: false})
    expect(lines[0]).to.match(/^ATTEMPT\s+RUN\s+STATUS/)
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).to.deep.equal([
      ['1', '7061'],
      ['2', '7062'],
    ])
    expect(boardLines([record(7063)], {color: false})[0]).to.match(/^RUN\s+STATUS/)
  })

  it('counts wide characters and ignores our colours and links', () => {
    expect(displayWidth('東京')).to.equal(4)
    expect(displayWidth('\u001b[32mok\u001b[39m \u001b]8;;https://x\u001b\\link\u001b]8;;\u001b\\')).to.equal(7)
  })

  it('log lines fit a narrow terminal (F-62)', () => {
    const entry = {
      agent_run_id: 7059,
      created_at: '2026-11-30T08:00:00Z',
      message_type: 'ACTION',
      tool_name: 'ripgrep_search',
      thought: 'Looking for the retry logic in the HTTP client and its tests, then the call sites',
    }
    for (const width of [40, 60, 80, 120]) {
      const line = logLine(entry, {color: false, width})
      expect(line.length, `${width}: ${line}`).to.be.at.most(width)
    }
    expect(logLine(entry, {color: false, width: 60}))
      .to.contain('ACTION')
      .and.to.contain('ripgrep_s')
    // Not cut in a pipe.
    expect(logLine(entry, {color: false})).to.contain('then the call sites')
  })
})
