// The password forms: 重置密码 (an administrator sets another account's password) and 修改密码
// (the signed-in user changes their own). Their requests, who may be reset, and where errors go.
import { ApiError } from '../api/http'
import type { ChangePassword, ResetPassword, UserView } from '../api/types'
import { errorMessage, waitIn, type Translator } from '../i18n/errors'
import { formFieldErrors } from './userForm'

export interface ResetPasswordForm {
  password: string
  confirm: string
}

export interface ChangePasswordForm {
  current_password: string
  new_password: string
  confirm: string
}

export type ResetPasswordField = 'password'
export type ChangePasswordField = 'current_password' | 'new_password'

export function emptyResetPasswordForm(): ResetPasswordForm {
  return { password: '', confirm: '' }
}

export function emptyChangePasswordForm(): ChangePasswordForm {
  return { current_password: '', new_password: '', confirm: '' }
}

/**
 * Whether an administrator is offered 重置密码 for an account: not for their own (they change it
 * with their current one, the server answers `use_password_change`) and not for residents, who
 * sign in with a one-time code and have no password (`no_password_login`).
 */
export function mayResetPassword(user: Pick<UserView, 'id' | 'kind'>, myId: number | null | undefined): boolean {
  return user.kind !== 'resident' && user.id !== myId
}

// Passwords are sent as typed, never trimmed: a space is a legitimate character of a password.

/** The body of PUT /api/v1/users/{id}/password. */
export function buildResetPassword(form: ResetPasswordForm): ResetPassword {
  return { password: form.password }
}

/** The body of POST /api/v1/auth/password. */
export function buildChangePassword(form: ChangePasswordForm): ChangePassword {
  return { current_password: form.current_password, new_password: form.new_password }
}

/** The policy codes of a failed reset (`password_too_short`, …) on the password field. */
export function resetPasswordFieldErrors(error: unknown): Partial<Record<ResetPasswordField, string>> {
  return formFieldErrors(error, ['password'] as const)
}

/** `wrong_password` on the current password; `password_unchanged` and the policy codes on the new one. */
export function changePasswordFieldErrors(error: unknown): Partial<Record<ChangePasswordField, string>> {
  return formFieldErrors(error, ['current_password', 'new_password'] as const)
}

/**
 * The message of a failed change that has no field. A wrong current password counts toward the
 * login back-off, so a 429 can answer here too; its message speaks of attempts, not of logging in,
 * and names the wait when the server gave one.
 */
export function changePasswordMessage(error: unknown, i18n: Translator): string {
  if (error instanceof ApiError && error.code === 'too_many_attempts') {
    const wait = waitIn(error.retryAfter)
    return wait ? i18n.t(`password.tooManyAttempts.${wait.unit}`, { n: wait.n }) : i18n.t('password.tooManyAttempts.later')
  }
  return errorMessage(error, i18n)
}
