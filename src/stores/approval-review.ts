import { defineStore } from 'pinia'
import { ref } from 'vue'
import { getApprovalReview, type ApprovalReview } from '../api/approvals'
import { asyncTask, type AsyncState } from './async-state'

export interface ApprovalReviewStore {
  review: AsyncState<ApprovalReview>
  /** The id shown; another id's answer never shows under it. */
  jobId: string | null
  load: (id: string) => Promise<ApprovalReview | null>
}

/** The approver's read-only view of a change they are asked to approve (the link in the Feishu form). */
export const useApprovalReviewStore = defineStore('approval-review', () => {
  const task = asyncTask<ApprovalReview>()
  const jobId = ref<string | null>(null)
  function load(id: string) {
    if (jobId.value !== id) task.reset()
    jobId.value = id
    return task.run(() => getApprovalReview(id, { limit: 500 }))
  }
  return { review: task.state, jobId, load }
})
