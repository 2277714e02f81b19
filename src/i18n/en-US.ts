// English messages. zh-CN.ts has exactly the same keys (type-checked, and tested).
// vue-i18n syntax: `{name}` interpolates; avoid bare `@`, `|`, `{`, `}` in text.
const enUS = {
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    backHome: 'Back to home',
    signOut: 'Sign out',
  },
  layout: {
    language: 'Language',
    signedInAs: 'Signed in as {name}',
  },
  home: {
    greeting: 'Hello, {name}',
    intro: 'What you can do here depends on your own Feishu permissions.',
    capabilitiesTitle: 'What you can do',
    capabilitiesLoading: 'Checking your Feishu permissions…',
    capabilitiesFailed: 'Could not check your permissions.',
    signOutFailed: 'Could not sign you out.',
  },
  capability: {
    payroll: {
      title: 'Payroll external data',
      description: 'Create or update records of a payroll external datasource from a spreadsheet.',
    },
    attendance: {
      title: 'Attendance archive report',
      description: 'Write archive report values for the members of an archive rule and month.',
    },
    available: 'Available',
    unavailable: 'Not available',
    reason: {
      ok: 'Your Feishu permissions allow this.',
      noRole: 'You need this Feishu role: {role}. Ask your Feishu admin to grant it.',
      scopeMissing: 'You have not authorized the permission “{scope}”, which the app uses for this: {reason}',
      scopeMissingHint: 'Sign in again and allow it.',
      appScopeMissing: 'The app itself lacks the permission “{scope}”, which it uses for this: {reason}',
      appScopeMissingHint: 'Ask your Feishu admin to enable it for this app in the developer console and publish a new version.',
      feishuUnavailable: 'Feishu could not be reached to check this. Try again in a moment.',
      unknown: 'Not available right now (reason: {code}).',
    },
    reauthorize: 'Authorize again',
  },
  signIn: {
    title: 'Sign in',
    feishu: {
      signingIn: 'Signing in with Feishu…',
      failed: 'Could not sign you in with Feishu.',
      deniedTitle: 'You declined the authorization',
      deniedIntro: 'The app needs these permissions and uses each one only for the reason shown:',
      signedOut: 'You have signed out.',
      signInAgain: 'Sign in with Feishu',
    },
    sandbox: {
      banner: 'Sandbox — sign in as…',
      hint: 'This is a local stand-in for Feishu with made-up people. Nothing here reaches a real Feishu tenant.',
      signInAs: 'Sign in as {name}',
    },
    live: {
      title: 'Open this app from the Feishu workbench',
      hint: 'This app signs you in with your Feishu account. Open Feishu, go to Workplace and open “{name}”.',
    },
    configFailed: 'Could not load the app settings.',
  },
  callback: {
    completing: 'Completing sign-in…',
    failedTitle: 'Sign-in did not complete',
    backToSignIn: 'Back to sign-in',
    errors: {
      state_mismatch: 'This sign-in response does not match a sign-in started in this browser tab (state mismatch). Start again.',
      access_denied: 'You declined the authorization, so the app cannot sign you in.',
      missing_code: 'The sign-in response carried no authorization code. Start again.',
      authorize_failed: 'The authorization page reported an error. Start again.',
    },
  },
  notFound: {
    title: 'Page not found',
    hint: 'There is nothing at {path}.',
  },
  feishu: {
    errors: {
      notInFeishu: 'This only works inside the Feishu client.',
      sdkLoadFailed: 'Could not load the Feishu JSSDK. Check your network and try again.',
      readyTimeout: 'The Feishu client did not get ready in time. Try again, or update Feishu.',
      sdkError: 'The Feishu client reported an error (code {errno}). Try again.',
      unsupported: 'This version of Feishu cannot sign you in to web apps. Update Feishu to the latest version.',
      denied: 'You declined the authorization.',
      failed: 'Feishu could not sign you in (code {errno}). Try again.',
    },
  },
  errors: {
    network: 'The server could not be reached. Check your network and try again.',
    unknown: 'Something went wrong. Try again.',
    withCode: '{message} (code: {code})',
    api: {
      session_required: 'Your session has ended. Sign in again.',
      reauth_required: 'Your Feishu authorization has ended. Sign in again.',
      csrf_failed: 'The request was refused for security reasons. Reload the page and try again.',
      rate_limited: 'Too many requests. Wait a moment and try again.',
    },
  },
}

export type Messages = typeof enUS
export default enUS
