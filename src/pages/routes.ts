import type { RouteRecordRaw } from 'vue-router'
import AuthCallbackPage from './AuthCallbackPage.vue'
import HomePage from './HomePage.vue'
import NotFoundPage from './NotFoundPage.vue'
import SignInPage from './SignInPage.vue'

// Eager on purpose: these pages are a few KB together, and splitting them only moved the shared
// vendor code into an oddly named chunk. Later, larger pages (imports, jobs) should be lazy.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomePage },
  // Lazy: the job pages are only opened by people who write data.
  { path: '/jobs', name: 'jobs', component: () => import('./JobsPage.vue') },
  { path: '/jobs/:id', name: 'job', component: () => import('./JobPage.vue') },
  // The link in a Feishu approval form: the approver's read-only view of the change (issue 15).
  { path: '/review/:id', name: 'approval-review', component: () => import('./ApprovalReviewPage.vue') },
  { path: '/attendance', name: 'attendance', component: () => import('./AttendancePage.vue') },
  { path: '/payroll', name: 'payroll', component: () => import('./PayrollPage.vue') },
  { path: '/payroll/:source', name: 'payroll-source', component: () => import('./PayrollPage.vue') },
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true } },
  { path: '/auth/callback', name: 'auth-callback', component: AuthCallbackPage, meta: { public: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage, meta: { public: true } },
]
