// The tests' fake Codegen API: the product's sandbox (src/sandbox), with the contract check the sandbox
// ships without. Every request body it takes and every answer it sends is validated against
// contract/codegen-openapi.json (ajv); violations are collected for the tests to assert on.
import {startSandboxApi, type ContractCheck, type SandboxApi, type SandboxApiOptions} from '../../src/sandbox/server.js'
import {findOperation, matchTemplates, validateRequestBody, validateResponse} from './contract.js'

export type * from '../../src/sandbox/types.js'
export {DEFAULT_TOKEN} from '../../src/sandbox/server.js'
export {validateRequestBody, validateResponse, validateSchema} from './contract.js'

export type FakeApi = SandboxApi
export type FakeApiOptions = Omit<SandboxApiOptions, 'contract'>

export const contractCheck: ContractCheck = {
  hasOperation: (method, path) => findOperation(method, path) !== undefined,
  hasPath: (path) => matchTemplates(path).length > 0,
  requestBody: validateRequestBody,
  response: validateResponse,
}

export function startFakeApi(opts: FakeApiOptions = {}): Promise<FakeApi> {
  return startSandboxApi({...opts, contract: contractCheck})
}
