import {expect} from 'chai'
import {oneLine, sanitize} from '../../src/output/sanitize.js'

describe('sanitize', () => {
  it('removes CSI, OSC (BEL and ST terminated), DCS and lone escapes', () => {
    expect(sanitize('a\u001b[31mred\u001b[0m b')).to.equal('ared b')
    expect(sanitize('x\u001b]0;title\u0007y')).to.equal('xy')
    expect(sanitize('x\u001b]8;;https://evil\u001b\\link\u001b]8;;\u001b\\y')).to.equal('xlinky')
    expect(sanitize('x\u001bPq#0;1\u001b\\y')).to.equal('xy')
    expect(sanitize('x\u009b2Jy')).to.equal('xy')
  })
  it('removes C0 and C1 controls but keeps newline and tab', () => {
    expect(sanitize('a\u0000b\u0007c\u0008d\rE\u0085f\n\tg')).to.equal('abcdEf\n\tg')
  })
  it('oneLine folds whitespace', () => {
    expect(oneLine('  a\n\n b\t c ')).to.equal('a b c')
    expect(oneLine(null)).to.equal('')
  })
})

describe('sanitize: invisible characters (F-59)', () => {
  it('shows bidi overrides, isolates and zero-width characters escaped', () => {
    expect(sanitize('invoice_\u202efdp.exe\u202c')).to.equal('invoice_<U+202E>fdp.exe<U+202C>')
    expect(oneLine('a\u200bb\u200dc\u2066d\u2069e\ufeff')).to.equal('a<U+200B>b<U+200D>c<U+2066>d<U+2069>e<U+FEFF>')
  })
  it('keeps ordinary non-ASCII text as it is', () => {
    expect(oneLine('Größe – 東京 ✓')).to.equal('Größe – 東京 ✓')
  })
})
