import type { Messages } from './en-US'

const zhCN: Messages = {
  common: {
    loading: '加载中…',
    retry: '重试',
    backHome: '返回首页',
    signOut: '退出登录',
  },
  layout: {
    language: '语言',
    signedInAs: '当前登录：{name}',
  },
  home: {
    greeting: '你好，{name}',
    intro: '你能在这里做什么，取决于你自己的飞书权限。',
    capabilitiesTitle: '你可以做什么',
    capabilitiesLoading: '正在检查你的飞书权限…',
    capabilitiesFailed: '无法检查你的权限。',
    signOutFailed: '退出登录失败。',
  },
  capability: {
    payroll: {
      title: '外部算薪数据',
      description: '从表格创建或更新外部数据源中的算薪记录。',
    },
    attendance: {
      title: '考勤归档报表',
      description: '为归档规则的成员写入某月的归档报表数据。',
    },
    available: '可用',
    unavailable: '不可用',
    reason: {
      ok: '你的飞书权限允许此操作。',
      noRole: '你需要以下飞书角色：{role}。请联系飞书管理员开通。',
      scopeMissing: '你尚未授权“{scope}”权限，应用用它来：{reason}',
      scopeMissingHint: '请重新登录并允许该权限。',
      appScopeMissing: '应用本身缺少“{scope}”权限，应用用它来：{reason}',
      appScopeMissingHint: '请联系飞书管理员在开发者后台为本应用开通该权限并发布新版本。',
      feishuUnavailable: '暂时无法连接飞书进行检查，请稍后重试。',
      unknown: '暂不可用（原因：{code}）。',
    },
    reauthorize: '重新授权',
  },
  signIn: {
    title: '登录',
    feishu: {
      signingIn: '正在通过飞书登录…',
      failed: '无法通过飞书登录。',
      deniedTitle: '你拒绝了授权',
      deniedIntro: '应用需要以下权限，且每项只用于所列用途：',
      signedOut: '你已退出登录。',
      signInAgain: '通过飞书登录',
    },
    sandbox: {
      banner: '沙箱环境 — 选择登录身份',
      hint: '这是本地模拟的飞书，人员均为虚构，不会连接真实的飞书租户。',
      signInAs: '以{name}的身份登录',
    },
    live: {
      title: '请从飞书工作台打开本应用',
      hint: '本应用使用你的飞书账号登录。请打开飞书，进入工作台，找到“{name}”。',
    },
    configFailed: '无法加载应用配置。',
  },
  callback: {
    completing: '正在完成登录…',
    failedTitle: '登录未完成',
    backToSignIn: '返回登录',
    errors: {
      state_mismatch: '此登录响应与本浏览器标签页发起的登录不匹配（state 不一致），请重新开始。',
      access_denied: '你拒绝了授权，应用无法为你登录。',
      missing_code: '登录响应中没有授权码，请重新开始。',
      authorize_failed: '授权页面返回了错误，请重新开始。',
    },
  },
  notFound: {
    title: '页面不存在',
    hint: '{path} 没有内容。',
  },
  feishu: {
    errors: {
      notInFeishu: '此操作只能在飞书客户端内进行。',
      sdkLoadFailed: '无法加载飞书 JSSDK，请检查网络后重试。',
      readyTimeout: '飞书客户端未能及时就绪，请重试或升级飞书。',
      sdkError: '飞书客户端报告了错误（错误码 {errno}），请重试。',
      unsupported: '当前飞书版本不支持网页应用登录，请升级到最新版本。',
      denied: '你拒绝了授权。',
      failed: '飞书无法为你登录（错误码 {errno}），请重试。',
    },
  },
  errors: {
    network: '无法连接服务器，请检查网络后重试。',
    unknown: '出了点问题，请重试。',
    withCode: '{message}（错误码：{code}）',
    api: {
      session_required: '登录已失效，请重新登录。',
      reauth_required: '飞书授权已失效，请重新登录。',
      csrf_failed: '出于安全原因，请求被拒绝。请刷新页面后重试。',
      rate_limited: '请求过于频繁，请稍后再试。',
    },
  },
}

export default zhCN
