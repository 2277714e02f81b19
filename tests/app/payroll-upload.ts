// The payroll page's import step as a person goes through it in the app tests: a June CSV (two
// people found, one terminated, one unknown, one reused number, one row with a file error), the
// period, the file, then "compare with Feishu" until the diff shows.
import type { VueWrapper } from '@vue/test-utils'
import { expect } from 'vitest'
import { waitFor } from './mount-app'

export const JUNE_CSV = [
  'Employee number,Bonus amount,Note',
  'FS1,1200.005,',
  'FS2,300,same',
  'FS3,50,',
  'FS404,10,',
  'FS10086,10,',
  'FS5,abc,',
].join('\n')

/** `onReady` sees the page once the file is checked, before the comparison. */
export async function uploadAndCompare(wrapper: VueWrapper, csv = JUNE_CSV, onReady?: (wrapper: VueWrapper) => void): Promise<void> {
  await waitFor(() => expect(wrapper.find('[data-testid="payroll-import"]').exists()).toBe(true))
  await wrapper.get('[data-testid="payroll-period"]').setValue('2025-06')
  const input = wrapper.get('[data-test="file"]').element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: [new File([csv], 'june.csv', { type: 'text/csv' })] })
  await wrapper.get('[data-test="file"]').trigger('change')
  await waitFor(() => expect(wrapper.find('[data-testid="payroll-ready"]').exists()).toBe(true))
  onReady?.(wrapper)
  await wrapper.get('[data-testid="payroll-compare"]').trigger('click')
  await waitFor(() => expect(wrapper.find('[data-testid="payroll-diff"]').exists()).toBe(true))
}
