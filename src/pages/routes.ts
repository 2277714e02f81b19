import type { RouteRecordRaw } from 'vue-router'
import { withPageMessages } from '../i18n'
import AuthCallbackPage from './AuthCallbackPage.vue'
import HomePage from './HomePage.vue'
import NotFoundPage from './NotFoundPage.vue'
import SignInPage from './SignInPage.vue'

// Eager on purpose: these pages are a few KB together, and splitting them only moved the shared
// vendor code into an oddly named chunk. Later, larger pages (imports, jobs) should be lazy.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomePage },
  // Lazy: the job pages are only opened by people who write data; their messages come with them.
  { path: '/jobs', name: 'jobs', component: () => withPageMessages(import('./JobsPage.vue')) },
  { path: '/jobs/:id', name: 'job', component: () => withPageMessages(import('./JobPage.vue')) },
  // The link in a Feishu approval form: the approver's read-only view of the change (issue 15).
  { path: '/review/:id', name: 'approval-review', component: () => withPageMessages(import('./ApprovalReviewPage.vue')) },
  { path: '/attendance', name: 'attendance', component: () => withPageMessages(import('./AttendancePage.vue')) },
  { path: '/payroll', name: 'payroll', component: () => withPageMessages(import('./PayrollPage.vue')) },
  { path: '/payroll/:source', name: 'payroll-source', component: () => withPageMessages(import('./PayrollPage.vue')) },
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true } },
  { path: '/auth/callback', name: 'auth-callback', component: AuthCallbackPage, meta: { public: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { public: true } },
]
