import {expect} from 'chai'
import * as S from '../../src/api/schemas.js'
import {checkFields, extractJsonFields} from '../../src/output/fields.js'
import * as F from '../../src/output/json-fields.js'

const shapeKeys = (schema: unknown) => Object.keys((schema as {def: {shape: object}}).def.shape)

describe('--json field lists', () => {
  it('a single field after --json is a field on a command with arguments when the command declares it (F-37)', () => {
    const argv = ['7059', '--json', 'status']
    expect(extractJsonFields(argv, {takesArgs: true, fields: F.RUN_FIELDS})).to.deep.equal(['status'])
    expect(argv).to.deep.equal(['7059', '--json'])
    // `users --json me`: not a user field, so it stays the argument.
    const users = ['--json', 'me']
    expect(extractJsonFields(users, {takesArgs: true, fields: F.USER_FIELDS})).to.equal(undefined)
    expect(users).to.deep.equal(['--json', 'me'])
  })

  it('an unknown field is a usage error that lists the valid ones (F-38)', () => {
    expect(() => checkFields(['bogus', 'id'], F.RUN_FIELDS))
      .to.throw('Unknown JSON field: "bogus"')
      .with.property('hint')
      .that.contains('id, organization_id, status')
    expect(() => checkFields(['id', 'status'], F.RUN_FIELDS)).not.to.throw()
  })

  it('the lists for API objects are the fields of their zod schemas', () => {
    expect([...F.RUN_FIELDS]).to.deep.equal(shapeKeys(S.AgentRunSchema()))
    expect([...F.LOG_FIELDS]).to.deep.equal(shapeKeys(S.AgentRunLogSchema()))
    expect([...F.USER_FIELDS]).to.deep.equal(shapeKeys(S.UserSchema()))
    expect([...F.REPO_FIELDS]).to.deep.equal(shapeKeys(S.RepoSchema()))
    expect([...F.ORG_FIELDS]).to.deep.equal(shapeKeys(S.OrganizationSchema()))
  })
})
