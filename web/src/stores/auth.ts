import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '../api/gridgov'
import { ApiError } from '../api/http'
import type { Me } from '../api/types'
import { can as holds } from '../auth/access'

/**
 * The signed-in account. `me` is loaded once at start (GET /auth/me); null means "not logged in".
 * The session itself is an HttpOnly cookie the page cannot read: the server is the only judge.
 */
export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  /** True once the start-up probe has answered (successfully or not). */
  const checked = ref(false)
  /** Why the session ended, when the server said so (`session_expired`, ...): the login page explains. */
  const endedBecause = ref<string | null>(null)
  /** A failure of the start-up probe other than 401 (server unreachable): the login page shows it. */
  const probeError = ref<unknown>(null)
  let pending: Promise<Me | null> | null = null

  const loggedIn = computed(() => me.value !== null)

  /** Loads `me` unless already known; resolves with null when there is no valid session. */
  function ensureLoaded(): Promise<Me | null> {
    if (checked.value) return Promise.resolve(me.value)
    pending ??= api
      .fetchMe({ quiet: true })
      .then((m) => {
        me.value = m
        probeError.value = null
        return m as Me | null
      })
      .catch((e: unknown) => {
        me.value = null
        probeError.value = e instanceof ApiError && e.status === 401 ? null : e
        return null
      })
      .finally(() => {
        checked.value = true
        pending = null
      })
    return pending
  }

  async function login(username: string, password: string): Promise<Me> {
    const m = await api.login(username, password)
    me.value = m
    checked.value = true
    endedBecause.value = null
    probeError.value = null
    return m
  }

  /** Takes the account a sign-in answered with (the phone's one-time-code login). */
  function signedIn(m: Me): void {
    me.value = m
    checked.value = true
    endedBecause.value = null
    probeError.value = null
  }

  /** Forgets the account locally (after a logout, or when the server says the session is gone). */
  function clear(reason: string | null = null): void {
    me.value = null
    checked.value = true
    endedBecause.value = reason
  }

  /**
   * Ends this session (or every session of the account). A 401 means it was over already, which is
   * as good; any other failure is thrown and the user stays signed in (the cookie would still work).
   */
  async function logout(everywhere = false): Promise<void> {
    try {
      await (everywhere ? api.logoutEverywhere() : api.logout())
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e
    }
    clear()
  }

  function can(permission?: string): boolean {
    return holds(me.value, permission)
  }

  return { me, checked, loggedIn, endedBecause, probeError, ensureLoaded, login, signedIn, logout, clear, can }
})
