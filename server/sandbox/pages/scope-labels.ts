// Human labels of the scopes the sandbox knows, for the consent screen.
export const SCOPE_LABELS: Record<string, { zh: string; en: string }> = {
  'im:message:send_as_bot': { zh: '以应用的身份发消息', en: 'Send messages as the app' },
  offline_access: { zh: '在你离开后继续访问（获取刷新凭证）', en: 'Keep access while you are away (refresh token)' },
  'attendance:task': { zh: '写入打卡数据（归档报表）', en: 'Write attendance data (archive reports)' },
  'attendance:task:readonly': { zh: '导出打卡数据（读取归档规则）', en: 'Read attendance data (archive rules)' },
  'payroll:external_datasource_configuration:read': { zh: '读取外部数据源配置', en: 'Read external datasource settings' },
  'payroll:external_datasource_record:read': { zh: '读取外部算薪数据', en: 'Read external payroll records' },
  'payroll:external_datasource_record:write': { zh: '写入外部算薪数据', en: 'Write external payroll records' },
  'payroll:payment_activity:read': { zh: '获取发薪活动列表数据', en: 'Read payroll payment activities' },
  'contact:user.employee_id:readonly': { zh: '获取用户 user ID', en: 'Read your user ID' },
  'contact:user.employee:readonly': { zh: '获取用户受雇信息', en: 'Read your employment info' },
  'contact:user.email:readonly': { zh: '获取用户邮箱', en: 'Read your email' },
  'contact:user.base:readonly': { zh: '获取用户基本信息', en: 'Read your basic profile' },
}
