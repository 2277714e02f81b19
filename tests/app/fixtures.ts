import type { AppConfig, Capabilities, Me, SandboxUser } from '../../src/api'
import type { JobCounts, JobSummary } from '../../src/domain/jobs'

export const SCOPES = [
  'offline_access',
  'attendance:task',
  'attendance:task:readonly',
  'payroll:external_datasource_configuration:read',
  'payroll:external_datasource_record:read',
  'payroll:external_datasource_record:write',
]

export const wangfangPersona: SandboxUser = {
  user_id: 'wangfang',
  name: '王芳',
  en_name: 'Wang Fang',
  avatar_url: '',
  role: { 'zh-CN': '薪酬管理员（全部部门）', 'en-US': 'Payroll admin (all departments)' },
}

export const zhangweiPersona: SandboxUser = {
  user_id: 'zhangwei',
  name: '张伟',
  en_name: 'Zhang Wei',
  avatar_url: '',
  role: { 'zh-CN': '考勤管理员', 'en-US': 'Attendance admin' },
}

export const sandboxConfig: AppConfig = {
  mode: 'sandbox',
  appId: 'cli_sandbox_app',
  scopes: SCOPES,
  redirectPath: '/auth/callback',
  sandbox: {
    authorizeUrl: 'http://127.0.0.1:3001/open-apis/authen/v1/authorize',
    users: [wangfangPersona, zhangweiPersona],
  },
}

export const liveConfig: AppConfig = {
  mode: 'live',
  appId: 'cli_live_app',
  scopes: SCOPES,
  redirectPath: '/auth/callback',
}

export const wangfang: Me = {
  name: '王芳',
  en_name: 'Wang Fang',
  avatar_url: '',
  open_id: 'ou_wangfang',
  user_id: 'wangfang',
  tenant_key: 'tenant_sandbox',
}

export const zhangwei: Me = { name: '张伟', en_name: 'Zhang Wei', avatar_url: '', open_id: 'ou_zhangwei', user_id: 'zhangwei', tenant_key: 'tenant_sandbox' }

export const payrollOnly: Capabilities = {
  payroll: { available: true, reason: { code: 'ok' } },
  attendance: { available: false, reason: { code: 'no_role', role: 'attendance' } },
}

/** A job's counts: the states not given are 0, and the total is their sum unless given. */
export function jobCounts(counts: Partial<JobCounts>): JobCounts {
  const c = { pending: 0, succeeded: 0, partial: 0, failed: 0, cancelled: 0, ...counts }
  return { ...c, total: counts.total ?? c.pending + c.succeeded + c.partial + c.failed + c.cancelled }
}

/** A job as the server sums it up: a queued payroll save of three rows unless overridden. */
export function jobSummary(overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1', kind: 'payroll_save', status: 'queued', target: { type: 'payroll', source_code: 'bonus__c', payroll_period: '2025-06' },
    pause_reason: null, error: null, counts: jobCounts({ pending: 3 }), affect_count: 0, calls: 0, source: null,
    created_at: 1, updated_at: 1, started_at: null, finished_at: null,
    ...overrides,
  }
}
