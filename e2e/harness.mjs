// What every browser test here shares: named steps and their failure report, a `gridgov demo`
// server on a free port (or the one E2E_BASE_URL names), Debian's Chromium, console and phone
// pages watched for uncaught errors and foreign requests, the demo logins, screenshots, and the
// "N passed, N failed" line with its exit code.
//
// One test runs per process, so the run's state (server, browser, log, errors) lives in this
// module; a script wraps its journey in `runTest(name, { timeoutMs }, run)`.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const HERE = path.dirname(fileURLToPath(import.meta.url))
/** Screenshots go here (git-ignored). */
export const ARTIFACTS = path.join(HERE, 'artifacts')
/** The binary under test; GRIDGOV_BIN overrides the debug build. */
export const GRIDGOV_BIN = path.resolve(process.env.GRIDGOV_BIN ?? path.join(HERE, '../target/debug/gridgov'))
/** `gridgov demo` prints its accounts; they all share this password. */
export const PASSWORD = 'Tianqiao#2026'
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// Debian's Chromium as root in a container: no sandbox, no GPU, and nothing phoning home, so that a
// request to another host can only come from the page (see `watch`).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]
const READY_LINE = /gridgov ready at (http:\/\/127\.0\.0\.1:\d+\/)/
// Enough of the server's output to explain a failure without flooding the report.
const SERVER_LOG_LINES = 60

/** A failure with the step it happened in, so the message says what a person would have seen. */
export class StepError extends Error {}

const state = {
  name: 'e2e',
  currentStep: 'start',
  server: null,
  serverLog: [],
  browser: null,
  dataDir: null,
  baseUrl: '',
  // Set when the script offers E2E_BASE_URL, so that a missing binary's message mentions it.
  externalAllowed: false,
  pageErrors: [],
  foreignRequests: [],
}

/** Prints a line prefixed with the test's name, e.g. `[smoke] ...`. */
export function log(message) {
  console.log(`[${state.name}] ${message}`)
}

/** Ends the test in the current step with `message`. */
export function fail(message) {
  throw new StepError(message)
}

/** Runs one named step of the journey and logs how long it took; a failure names the step. */
export async function step(name, fn) {
  state.currentStep = name
  const started = Date.now()
  const result = await fn()
  log(`ok   ${name} (${Date.now() - started} ms)`)
  return result
}

/** Saves a screenshot of `page` as `artifacts/<name>.png`. */
export const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) })

/** The run's throwaway data directory (made on first use, removed at the end). */
export function dataDirectory() {
  state.dataDir ??= mkdtempSync(path.join(tmpdir(), `gridgov-${state.name}-`))
  return state.dataDir
}

function remember(line) {
  state.serverLog.push(line)
  if (state.serverLog.length > SERVER_LOG_LINES) state.serverLog.shift()
}

/**
 * Starts `gridgov demo` on a free port (`--port 0`) with the throwaway data directory and
 * `cases` demo cases; resolves with its base URL, read from the ready line it prints.
 */
export function startDemo({ cases }) {
  if (!existsSync(GRIDGOV_BIN)) {
    const alternatives = state.externalAllowed ? 'GRIDGOV_BIN or E2E_BASE_URL' : 'GRIDGOV_BIN'
    fail(`no gridgov binary at ${GRIDGOV_BIN}: build it with \`cargo build\` (after \`npm run build\` in web/), or set ${alternatives}`)
  }
  const args = ['demo', '--port', '0', '--data-dir', dataDirectory(), '--cases', String(cases)]
  const server = spawn(GRIDGOV_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  state.server = server
  createInterface({ input: server.stderr }).on('line', remember)
  return new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).on('line', (line) => {
      remember(line)
      const match = READY_LINE.exec(line)
      if (match) {
        state.baseUrl = match[1]
        log(`server at ${state.baseUrl}`)
        resolve(state.baseUrl)
      }
    })
    server.on('error', (error) => reject(new StepError(`cannot start ${GRIDGOV_BIN}: ${error.message}`)))
    server.on('exit', (code, signal) =>
      reject(new StepError(`gridgov exited (code ${code}, signal ${signal}) before printing "gridgov ready at ..."`)),
    )
  })
}

/**
 * The base URL of a server already running, from E2E_BASE_URL (e.g. Vite proxying to a demo, to
 * test web/src without rebuilding the binary), or null when it is not set: then start one.
 */
export function externalServer() {
  state.externalAllowed = true
  if (!process.env.E2E_BASE_URL) return null
  const url = new URL(process.env.E2E_BASE_URL)
  // Pages are opened as `${baseUrl}login`, so the base must end with a slash.
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  state.baseUrl = url.href
  log(`using the server at ${state.baseUrl} (E2E_BASE_URL; none started)`)
  return state.baseUrl
}

/** Launches Debian's Chromium (never a downloaded one); closed at the end of the run. */
export async function launchChromium() {
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  return state.browser
}

/**
 * Records uncaught errors of `page` and its requests to other hosts: every asset is bundled, so
 * such a request would be a CDN dependency. `checkPagesClean` fails on either.
 */
function watch(page, who) {
  page.setDefaultTimeout(15_000)
  page.on('pageerror', (error) => state.pageErrors.push(`${who}: ${error.message}`))
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(state.baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:')) state.foreignRequests.push(url)
  })
  return page
}

/** A watched page in its own browser context (its own cookies: one person), with `options` added. */
async function newPage(who, options) {
  const context = await state.browser.newContext({ locale: 'zh-CN', ...options })
  return watch(await context.newPage(), who)
}

/** A console page: 1440×900, Chinese. `options` adds to the context (e.g. a time zone). */
export const desktop = (who, options = {}) => newPage(who, { viewport: { width: 1440, height: 900 }, ...options })

/** A phone page: 390×844, touch, Chinese. `options` adds to the context (e.g. GPS, user agent). */
export const phone = (who, options = {}) =>
  newPage(who, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, ...options })

/** Fills the console's login form on the page it shows and submits it; resolves once the map opens. */
export async function submitConsoleLogIn(page, username, password = PASSWORD) {
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(password)
  await page.locator('.login-form__submit').click()
  try {
    await page.waitForURL(/\/map$/, { timeout: 15_000 })
  } catch {
    const error = await page.locator('.login-form__error').textContent().catch(() => null)
    fail(`logging in as ${username} did not open the console${error ? `: ${error.trim()}` : ` (at ${page.url()})`}`)
  }
}

/** Opens the console's login page and signs in; resolves on the map. */
export async function consoleLogIn(page, username, password = PASSWORD) {
  await page.goto(`${state.baseUrl}login`)
  await submitConsoleLogIn(page, username, password)
}

/** Opens /m, is sent to the phone login page, signs in with a password; resolves on 上报. */
export async function phoneLogIn(page, username, password = PASSWORD) {
  await page.goto(`${state.baseUrl}m`)
  await page.waitForURL(/\/m\/login/)
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(password)
  await page.locator('.m-login__submit--password').click()
  try {
    // The login page's own address ends in `?redirect=/m/report`: wait for the path itself.
    await page.waitForURL((url) => url.pathname.endsWith('/m/report'), { timeout: 15_000 })
  } catch {
    const error = await page.locator('.m-login__error').textContent().catch(() => null)
    fail(`logging in as ${username} on the phone did not open 上报${error ? `: ${error.trim()}` : ` (at ${page.url()})`}`)
  }
}

/** Opens a page of the console's side menu, opening its group first when it is folded. */
export async function openMenu(page, group, item) {
  const link = page.locator('.el-menu-item', { hasText: item })
  if (!(await link.isVisible())) await page.locator('.el-sub-menu__title', { hasText: group }).click()
  await link.click()
}

/** The last step of every test: no page threw, and no page asked another host for anything. */
export const checkPagesClean = () =>
  step('no page errors and no request leaves the server', () => {
    if (state.pageErrors.length) fail(`uncaught errors in the page: ${state.pageErrors.join(' | ')}`)
    if (state.foreignRequests.length) fail(`requests to other hosts (assets must be bundled): ${state.foreignRequests.join(', ')}`)
  })

/** Closes the browser, stops the server (SIGKILL after 5 s) and removes the data directory. */
async function cleanup() {
  await state.browser?.close().catch(() => {})
  const { server } = state
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    const timer = setTimeout(() => server.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  if (state.dataDir) rmSync(state.dataDir, { recursive: true, force: true })
}

/** Rejects after `ms`, so that a hung page or server ends the test instead of the CI job. */
function overallTimeout(ms) {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new StepError(`timed out after ${ms / 1000} s`)), ms)
    timer.unref()
  })
}

/** On failure: the step, the message, the server's last lines and a screenshot of every page. */
async function reportFailure(error, failureShot) {
  const prefix = `[${state.name}]`
  console.error(`${prefix} FAIL in step "${state.currentStep}": ${error instanceof StepError ? error.message : error.stack}`)
  if (state.serverLog.length) console.error(`${prefix} last lines from gridgov:\n  ${state.serverLog.join('\n  ')}`)
  if (state.browser) {
    const pages = state.browser.contexts().flatMap((c) => c.pages())
    await Promise.all(pages.map((p, i) => p.screenshot({ path: path.join(ARTIFACTS, failureShot(i)) }).catch(() => {})))
  }
}

/**
 * Runs the test `name` (its log prefix and temp directory name) within `timeoutMs`, then cleans up,
 * prints "1 passed, 0 failed" or "0 passed, 1 failed" and exits 0 or 1. On failure every open page
 * is saved as `failureShot(i)` (by default `<name>-failure-<i>.png`).
 */
export async function runTest(name, { timeoutMs, failureShot = (i) => `${name}-failure-${i}.png` }, run) {
  state.name = name
  let passed = false
  try {
    mkdirSync(ARTIFACTS, { recursive: true })
    await Promise.race([run(), overallTimeout(timeoutMs)])
    passed = true
  } catch (error) {
    await reportFailure(error, failureShot)
  } finally {
    await cleanup()
  }
  log(`screenshots in ${ARTIFACTS}`)
  console.log(passed ? '1 passed, 0 failed' : '0 passed, 1 failed')
  process.exit(passed ? 0 : 1)
}
