import type { Router } from 'vue-router'
import { onUnauthorized } from '../api/http'
import { decideNavigation, isMobilePath, LOGIN_ROUTE, loginQuery, MOBILE_LOGIN_ROUTE, mobileLoginQuery } from '../auth/access'
import type { useAuthStore } from '../stores/auth'

type AuthStore = Pick<ReturnType<typeof useAuthStore>, 'ensureLoaded' | 'clear'>

/**
 * Puts the console behind the login page:
 * - before every navigation the account is known (loaded once from /auth/me) and
 *   `decideNavigation` lets it through or redirects (login, or the no-access page);
 * - any 401 from the API afterwards (the session expired, or was ended on another device)
 *   forgets the account and opens the login page, which brings the user back here afterwards.
 */
export function installAuthGuard(router: Router, auth: AuthStore): void {
  router.beforeEach(async (to) => decideNavigation(to, await auth.ensureLoaded()))

  onUnauthorized((error) => {
    auth.clear(error.code)
    const current = router.currentRoute.value
    if (current.name === LOGIN_ROUTE || current.name === MOBILE_LOGIN_ROUTE) return
    // The phone pages have their own login page (and a phone user should not land in the console).
    if (isMobilePath(current.fullPath)) void router.replace({ name: MOBILE_LOGIN_ROUTE, query: mobileLoginQuery(current.fullPath) })
    else void router.replace({ name: LOGIN_ROUTE, query: loginQuery(current.fullPath) })
  })
}
