// The number of unread notifications, shared by the phone's tab bar and the 消息 page: read again
// when a page asks (opening 议事 or 消息, after marking read); a failure keeps the last count.
import { ref } from 'vue'
import { fetchNotifications } from '../api/gridgov'

export const unreadCount = ref(0)

let pending: Promise<void> | null = null

export function refreshUnread(): Promise<void> {
  pending ??= fetchNotifications({ unread: true, page: 1, page_size: 1 })
    .then((page) => {
      unreadCount.value = page.unread
    })
    .catch(() => {})
    .finally(() => {
      pending = null
    })
  return pending
}
