// What the two check-suite tools share: the repository argument and the settings they return. Not a tool.
import {z} from 'zod'
import type {CheckSuiteResult} from '../../services/check-suite.js'
import * as S from '../shapes.js'

export const repoInput = z.string().min(1).max(200).describe("Repository as OWNER/NAME, or the API's repository id.")

export const checkSuiteOutput = {
  repo_id: z.number().int().min(1).max(S.MAX_ID),
  repo: z.string().optional(),
  check_retry_count: z.number().int().describe('How often a failed check is retried.'),
  check_retry_counts: z.record(z.string(), z.number().int()).describe('Retry counts of single checks.'),
  ignored_checks: z.array(z.string()),
  custom_prompts: z.record(z.string(), z.string()).describe('Instructions for the agent, by check.'),
  high_priority_apps: z.array(z.string()).describe('Apps whose failures are handled at once.'),
  available_check_suite_names: z.array(z.string()).describe('Check suites seen on the repository.'),
}

export function checkSuiteData({repo, settings}: CheckSuiteResult) {
  return {
    repo_id: repo.id,
    ...(repo.full_name ? {repo: repo.full_name} : {}),
    check_retry_count: settings.check_retry_count,
    check_retry_counts: settings.check_retry_counts,
    ignored_checks: settings.ignored_checks,
    custom_prompts: settings.custom_prompts,
    high_priority_apps: settings.high_priority_apps,
    available_check_suite_names: settings.available_check_suite_names,
  }
}

export function checkSuiteText(data: ReturnType<typeof checkSuiteData>): string {
  const list = (l: string[]) => (l.length ? l.join(', ') : 'none')
  return [
    `Check-suite settings of ${data.repo ?? `repository ${data.repo_id}`}: ${data.check_retry_count} retries per failed check.`,
    `Ignored checks: ${list(data.ignored_checks)}. High-priority apps: ${list(data.high_priority_apps)}.`,
    `Known check suites: ${list(data.available_check_suite_names)}.`,
  ].join('\n')
}
