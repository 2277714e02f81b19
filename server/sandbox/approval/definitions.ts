// Seeded approval definitions (审批定义) of the sandbox tenant. Real definitions are built in the
// approval admin console or with `POST /open-apis/approval/v4/approvals`; what matters to the app is
// the code, the form widgets an instance must fill and who approves.

export interface FormWidget { id: string; type: 'input' | 'textarea'; name: { 'zh-CN': string; 'en-US': string } }

export interface ApprovalDefinition {
  approval_code: string
  name: { 'zh-CN': string; 'en-US': string }
  /** One approval node; user_ids, or 'initiator' for "发起人自己" (the initiator approves their own request). */
  approvers: readonly string[]
  form: readonly FormWidget[]
}

/** The widgets the app fills (README "Run inside Feishu": create the definition with these ids). */
export const PAYROLL_FORM: readonly FormWidget[] = [
  { id: 'hr_import_target', type: 'input', name: { 'zh-CN': '数据源与期间', 'en-US': 'Datasource and period' } },
  { id: 'hr_import_counts', type: 'textarea', name: { 'zh-CN': '变更统计', 'en-US': 'Changes' } },
  { id: 'hr_import_totals', type: 'textarea', name: { 'zh-CN': '合计（变更前 → 变更后）', 'en-US': 'Totals (before → after)' } },
  { id: 'hr_import_file', type: 'input', name: { 'zh-CN': '文件与 SHA-256', 'en-US': 'File and SHA-256' } },
  { id: 'hr_import_link', type: 'input', name: { 'zh-CN': '查看差异', 'en-US': 'Open the diff' } },
]

/** Approved by 孙丽 Sun Li (the payroll approver persona). */
export const PAYROLL_APPROVAL_CODE = '5B9C8A11-4C2D-4E7F-9A0B-7D3E2F1A6C01'
/** A definition whose approver is the initiator themself — what the app must refuse (four eyes). */
export const SELF_APPROVAL_CODE = '5B9C8A11-4C2D-4E7F-9A0B-7D3E2F1A6C02'

export const APPROVAL_DEFINITIONS: readonly ApprovalDefinition[] = [
  { approval_code: PAYROLL_APPROVAL_CODE, name: { 'zh-CN': '薪酬数据写入审批', 'en-US': 'Payroll data release' }, approvers: ['sunli'], form: PAYROLL_FORM },
  { approval_code: SELF_APPROVAL_CODE, name: { 'zh-CN': '薪酬数据写入审批（发起人自审）', 'en-US': 'Payroll data release (initiator approves)' }, approvers: ['initiator'], form: PAYROLL_FORM },
]
