#!/usr/bin/env node
// Browser smoke test of the grid map against a real `gridgov demo` server.
//
//   GRIDGOV_BIN=../target/debug/gridgov node smoke.mjs
//
// Starts the binary on a free port with a throwaway data directory, drives Debian's Chromium
// through the login page and the grid map as the district admin (draw all grids, open one grid's
// team, locate a point inside and one outside the district), through 系统管理 (list the demo
// accounts, create a grid worker on one grid, show its data scope on the region tree, the roles,
// a custom role created and given to the new account with 分配角色, 编辑 renaming it, 重置密码 of a
// demo account (a too-short password refused inline, then a valid one), the audit record of the
// creation and the audit search by action), through 案件管理 › 事项分类 (the tree with its limits, a
// category's handling limit edited, another disabled and enabled with its switch), then logs out;
// logs in as the demo grid worker with the reset password and changes it with 修改密码 in the user
// menu (a wrong current password refused inline), logs out and back in with the new one; and
// finally logs in as a community operator, whose map and tree show only their community and whose
// 事项分类 is read-only. Saves screenshots to
// e2e/artifacts/ and ends with "N passed, N failed".
// The web front end must have been built (web/dist) before the binary was compiled.

import {
  checkPagesClean,
  desktop,
  fail,
  launchChromium,
  log,
  PASSWORD,
  runTest,
  shot,
  startDemo,
  step,
  submitConsoleLogIn,
} from './harness.mjs'

const MIN_GRIDS = 1000
// `gridgov demo` prints these accounts; they all share the demo password (PASSWORD).
const ADMIN = 'admin'
const COMMUNITY = 'community'
// A community has a handful of grids; the whole district has over a thousand.
const MAX_COMMUNITY_GRIDS = 30
// `gridgov demo` creates this many accounts: the eight demo logins and the resident's six neighbours.
const DEMO_ACCOUNTS = 14
// The account the test creates, on a grid of the demo district's first street and community.
const NEW_USER = 'e2e.worker'
const NEW_PASSWORD = 'E2e-Worker#2026'
const NEW_USER_GRID = '370105001001001'
const NEW_USER_PATH = ['370105000000', '370105001000', '370105001001']
// The custom role the test creates and gives to NEW_USER. The server takes keys of 2 to 32 of a-z
// and _, so `e2e_inspector` (with a digit) is refused: the test checks that, then uses ROLE_KEY.
const BAD_ROLE_KEY = 'e2e_inspector'
const ROLE_KEY = 'e_e_inspector'
const ROLE_NAME = '区域巡查员'
const ROLE_PERMISSION_NAME = '查看区域与网格地图'
// 编辑 gives NEW_USER this name.
const NEW_USER_RENAMED = '测试网格员（已改名）'
// 重置密码 sets RESET_PASSWORD for this demo account (first trying one that is too short); then
// the account changes it to OWN_PASSWORD itself with 修改密码.
const RESET_USER = 'gridworker'
const SHORT_PASSWORD = 'Ab#12'
const RESET_PASSWORD = 'Grid-Reset#2026'
const OWN_PASSWORD = 'My-Own-Pass#2026'
// 事项分类: the category whose handling limit the test edits (1 working day in the seed), and the
// one it disables and enables again.
const CATEGORY = 'sanitation.garbage'
const DISABLED_CATEGORY = 'other.misc'
// A demo resident: no password to reset.
const RESIDENT = 'resident'

/** The binary serves the web app it embedded; without web/dist at build time it has none. */
async function checkFrontEndServed(baseUrl) {
  const response = await fetch(baseUrl)
  const html = await response.text()
  if (!response.ok || !html.includes('id="app"')) {
    fail(
      `GET ${baseUrl} answered ${response.status} without the web app: run \`npm ci && npm run build\` in web/ ` +
        'and rebuild the binary so that it embeds web/dist',
    )
  }
}

/** Fills the login page it is on and submits it; resolves with the name the top bar shows. */
async function logIn(page, username, password = PASSWORD) {
  await submitConsoleLogIn(page, username, password)
  const name = (await page.locator('.user-menu__name').textContent()).trim()
  if (!name) fail(`the top bar shows no name after logging in as "${username}"`)
  return name
}

/** Logs out with the user menu; resolves on the login page. */
async function logOut(page) {
  await page.locator('.user-menu__trigger').click()
  await page.locator('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL(/\/login/)
  await page.locator('.login-form__submit').waitFor()
}

/** The texts of a dialog's inline field errors and alerts, for failure messages. */
const dialogErrors = (dialog) => dialog.locator('.el-form-item__error, .el-alert__title').allTextContents().catch(() => [])

/** The row of the category table that shows the category `code`. */
const categoryRow = (page, code) => page.locator(`.categories-view__table .el-table__row:has(.categories-view__name[data-code="${code}"])`).first()

/** The row of the user table that shows `username`. */
const userRow = (page, username) => page.locator(`.users-view__table .el-table__row:has([data-username="${username}"])`).first()

const gridPathCount = (page) =>
  page.evaluate(() => document.querySelectorAll('.leaflet-grids-pane path.leaflet-interactive').length)

/**
 * A screen point well inside one grid polygon near the map's centre: the same grid path is
 * hit at the point and 4 px around it, so the server's point-in-polygon cannot disagree
 * because of a boundary stroke. Searches outward from the centre in a square spiral.
 */
async function findGridPoint(page) {
  return page.evaluate(() => {
    const map = document.querySelector('.leaflet-container').getBoundingClientRect()
    const cx = map.left + map.width / 2
    const cy = map.top + map.height / 2
    const gridAt = (x, y) => {
      const el = document.elementFromPoint(x, y)
      return el && el.matches('.leaflet-grids-pane path.leaflet-interactive') ? el : null
    }
    for (let r = 0; r < 300; r += 6) {
      for (let dx = -r; dx <= r; dx += 6) {
        for (const dy of r === 0 ? [0] : [-r, r]) {
          const x = cx + dx
          const y = cy + dy
          const el = gridAt(x, y)
          if (el && [[4, 0], [-4, 0], [0, 4], [0, -4]].every(([ox, oy]) => gridAt(x + ox, y + oy) === el)) {
            return { x, y }
          }
        }
      }
    }
    return null
  })
}

async function run() {
  const baseUrl = await step('start gridgov demo', () => startDemo({ cases: 3000 }))
  await step('front end is embedded', () => checkFrontEndServed(baseUrl))
  await step('launch Chromium', launchChromium)
  const page = await desktop('console')

  await step('open the console: the login page', async () => {
    await page.goto(baseUrl)
    await page.waitForURL(/\/login/)
    const title = (await page.locator('.login-page__brand').textContent()).trim()
    if (title !== '网格化治理平台') fail(`the login page names "${title}", not 网格化治理平台`)
    await page.locator('.login-form__submit').waitFor()
    await page.waitForTimeout(300) // web fonts and the card's shadow
    await shot(page, '00-login')
  })

  await step(`log in as ${ADMIN}, open 网格地图`, async () => {
    const name = await logIn(page, ADMIN)
    log(`signed in as ${name}`)
    await page.locator('.el-menu-item', { hasText: '网格地图' }).click()
    await page.waitForURL(/\/map$/)
  })

  await step(`draw at least ${MIN_GRIDS} grid polygons`, async () => {
    try {
      await page.waitForFunction(
        (min) => document.querySelectorAll('.leaflet-grids-pane path.leaflet-interactive').length >= min,
        MIN_GRIDS,
        { timeout: 20_000 },
      )
    } catch {
      fail(`only ${await gridPathCount(page)} grid polygons were drawn (want ${MIN_GRIDS})`)
    }
    await page.waitForTimeout(300)
    log(`${await gridPathCount(page)} grid polygons drawn`)
    await shot(page, '01-grid-map')
  })

  const point = await step('find a grid near the map centre', async () => {
    const found = await findGridPoint(page)
    if (!found) fail('no grid polygon found near the centre of the map')
    return found
  })

  const gridName = await step('click a grid: the detail panel shows its team', async () => {
    await page.mouse.click(point.x, point.y)
    try {
      await page.locator('.grid-detail .team-member').first().waitFor()
    } catch {
      const text = (await page.locator('.grid-detail').textContent().catch(() => null)) ?? '(no detail panel)'
      fail(`the grid's detail panel shows no team member: ${text.trim().slice(0, 200)}`)
    }
    const name = (await page.locator('.grid-detail__name-text').textContent()).trim()
    const roles = await page.locator('.grid-detail .team-member').evaluateAll((els) => els.map((e) => e.dataset.role))
    if (!roles.includes('lead_worker')) fail(`grid "${name}" has no lead grid worker (roles: ${roles.join(', ')})`)
    log(`grid "${name}", team roles: ${roles.join(', ')}`)
    await shot(page, '02-grid-detail')
    return name
  })

  await step('locate the same point: popup names the grid', async () => {
    await page.locator('.map-toolbar__locate').click()
    await page.mouse.click(point.x, point.y)
    const result = page.locator('.leaflet-popup .locate-result:not([data-status=loading])')
    await result.waitFor()
    if ((await result.getAttribute('data-status')) !== 'done') {
      fail(`locate failed: ${(await result.textContent()).trim()}`)
    }
    const located = (await result.locator('[data-level=grid]').textContent()).trim()
    if (located !== gridName) fail(`locate says grid "${located}" but the clicked polygon is "${gridName}"`)
    await page.waitForTimeout(400) // the popup's auto-pan animation
    await shot(page, '03-locate')
  })

  await step('locate a point outside the district: translated error', async () => {
    // The map is fitted to the district's bbox and is wider than it, so its left edge is outside.
    const map = await page.locator('.leaflet-container').boundingBox()
    await page.mouse.click(map.x + 15, map.y + map.height / 2)
    const result = page.locator('.leaflet-popup .locate-result[data-status=error]')
    try {
      await result.waitFor({ timeout: 10_000 })
    } catch {
      const text = await page.locator('.leaflet-popup').textContent().catch(() => '(no popup)')
      fail(`no outside-the-district message; popup shows: ${text.trim().slice(0, 200)}`)
    }
    const code = await result.getAttribute('data-code')
    const text = (await result.textContent()) ?? ''
    if (code !== 'outside_district' || !text.includes('该位置不在辖区内')) {
      fail(`expected "该位置不在辖区内" (outside_district), got ${code}: ${text.trim()}`)
    }
    await page.waitForTimeout(400)
    await shot(page, '04-outside-district')
  })

  await step('About shows the server version', async () => {
    await page.locator('.el-menu-item', { hasText: '关于' }).click()
    const version = page.locator('.about-view__version')
    await version.waitFor()
    log(`version ${(await version.textContent()).trim()}`)
    await page.waitForTimeout(400) // the menu's colour transition
    await shot(page, '05-about')
  })

  await step('系统管理 › 用户管理 lists the demo accounts', async () => {
    await page.locator('.el-menu-item', { hasText: '用户管理' }).click()
    await page.waitForURL(/\/system\/users$/)
    const names = page.locator('.users-view__username')
    try {
      await page.waitForFunction((n) => document.querySelectorAll('.users-view__username').length >= n, DEMO_ACCOUNTS)
    } catch {
      fail(`the user table shows ${await names.count()} accounts (want ${DEMO_ACCOUNTS})`)
    }
    const usernames = await names.allTextContents()
    if (usernames.length !== DEMO_ACCOUNTS || !usernames.includes(ADMIN) || !usernames.includes(COMMUNITY)) {
      fail(`the user table shows ${usernames.join(', ')} (want the ${DEMO_ACCOUNTS} demo accounts)`)
    }
    log(`accounts: ${usernames.join(', ')}`)
    await page.waitForTimeout(400)
    await shot(page, '07-users')
  })

  await step(`新增 creates ${NEW_USER}, a 网格员 on grid ${NEW_USER_GRID}`, async () => {
    await page.locator('.users-view__add').click()
    const dialog = page.locator('.user-create')
    await dialog.locator('input[name=new-username]').waitFor()
    await dialog.locator('input[name=new-username]').fill(NEW_USER)
    await dialog.locator('input[name=new-display-name]').fill('测试网格员')
    await dialog.locator('input[name=new-password]').fill(NEW_PASSWORD)
    // The unit: open the region tree-select and walk down to the grid.
    await dialog.locator('.user-create__unit').click()
    for (const code of NEW_USER_PATH) {
      const node = page.locator(`.el-tree-node__content:has([data-code="${code}"])`).first()
      await node.waitFor()
      await node.locator('.el-tree-node__expand-icon').click()
    }
    await page.locator(`.region-option[data-code="${NEW_USER_GRID}"]`).click()
    await dialog.locator('.role-assign__role').first().click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^网格员$/ }).click()
    await page.waitForTimeout(300)
    await shot(page, '08-user-create')
    await dialog.locator('.user-create__submit').click()
    try {
      await page.locator(`.users-view__username[data-username="${NEW_USER}"]`).waitFor()
    } catch {
      const errors = await dialog.locator('.el-form-item__error, .el-alert__title').allTextContents().catch(() => [])
      fail(`${NEW_USER} does not appear in the table after 新增${errors.length ? `: ${errors.join('; ')}` : ''}`)
    }
  })

  await step(`数据权限 shows ${NEW_USER}'s reach on the region tree`, async () => {
    const row = page.locator(`.el-table__row:has([data-username="${NEW_USER}"])`).first()
    await row.locator('.users-view__scope').click()
    const drawer = page.locator('.user-scope')
    await drawer.locator('.user-scope__table').waitFor()
    const reached = drawer.locator(`.user-scope__node[data-code="${NEW_USER_GRID}"]`)
    try {
      await reached.waitFor()
    } catch {
      fail(`the scope drawer's tree does not show grid ${NEW_USER_GRID}`)
    }
    const reach = await reached.getAttribute('data-reach')
    if (reach !== 'subtree') fail(`grid ${NEW_USER_GRID} is drawn as "${reach}" in ${NEW_USER}'s scope (want subtree)`)
    const street = await drawer.locator(`.user-scope__node[data-code="${NEW_USER_PATH[1]}"]`).getAttribute('data-reach')
    if (street !== 'path') fail(`the street above the grid is drawn as "${street}" (want path)`)
    const permissions = await drawer.locator('.user-scope__table .el-table__row').count()
    log(`${permissions} permissions; grid ${NEW_USER_GRID} reached, street on the path`)
    await page.waitForTimeout(500) // the drawer's slide-in
    await shot(page, '09-scope')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
  })

  await step('角色管理 lists the built-in roles', async () => {
    await page.locator('.el-menu-item', { hasText: '角色管理' }).click()
    await page.waitForURL(/\/system\/roles$/)
    await page.locator('.roles-view__table .el-table__row').first().waitFor()
    const count = await page.locator('.roles-view__table .el-table__row').count()
    if (count < 8) fail(`the role table shows ${count} roles (want the 8 built-in ones)`)
    await page.waitForTimeout(400)
    await shot(page, '10-roles')
  })

  await step(`角色管理 › 新增 creates the custom role ${ROLE_KEY} (${ROLE_PERMISSION_NAME} only)`, async () => {
    await page.locator('.roles-view__add').click()
    const dialog = page.locator('.role-edit')
    await dialog.locator('input[name=role-key]').waitFor()
    // A key with a digit is refused (2 to 32 of a-z and _), with the translated reason.
    await dialog.locator('input[name=role-key]').fill(BAD_ROLE_KEY)
    await dialog.locator('input[name=role-name]').fill(ROLE_NAME)
    await dialog.locator('.role-edit__submit').click()
    const keyError = dialog.locator('.el-form-item__error', { hasText: '角色标识须为' })
    try {
      await keyError.waitFor({ timeout: 5_000 })
    } catch {
      fail(`the key "${BAD_ROLE_KEY}" was not refused with a translated message`)
    }
    await dialog.locator('input[name=role-key]').fill(ROLE_KEY)
    await dialog.locator('.role-edit__perm', { hasText: ROLE_PERMISSION_NAME }).click()
    const checked = await dialog.locator('.role-edit__perm.is-checked').evaluateAll((els) => els.map((e) => e.dataset.permission))
    if (checked.join() !== 'region:region:read') fail(`checked permissions: ${checked.join(', ')} (want region:region:read)`)
    await page.waitForTimeout(300)
    await shot(page, '12-role-edit')
    await dialog.locator('.role-edit__submit').click()
    const row = page.locator(`.roles-view__table .el-table__row:has([data-key="${ROLE_KEY}"])`).first()
    try {
      await row.waitFor()
    } catch {
      const errors = await dialog.locator('.el-form-item__error, .el-alert__title').allTextContents().catch(() => [])
      fail(`${ROLE_KEY} does not appear in the role table${errors.length ? `: ${errors.join('; ')}` : ''}`)
    }
    const text = await row.textContent()
    if (!text.includes(ROLE_NAME) || !text.includes(ROLE_PERMISSION_NAME) || !text.includes('编辑')) {
      fail(`the row of ${ROLE_KEY} reads "${text.trim()}" (want ${ROLE_NAME}, ${ROLE_PERMISSION_NAME} and 编辑)`)
    }
    // Built-in roles offer no edit action.
    const builtinEdits = await page.locator('.roles-view__table .el-table__row:has([data-key="district_admin"]) .roles-view__edit').count()
    if (builtinEdits !== 0) fail('the built-in district_admin role offers 编辑')
  })

  await step(`用户管理 › 分配角色 gives ${NEW_USER} the role ${ROLE_NAME}`, async () => {
    await page.locator('.el-menu-item', { hasText: '用户管理' }).click()
    await page.waitForURL(/\/system\/users$/)
    const row = page.locator(`.el-table__row:has([data-username="${NEW_USER}"])`).first()
    await row.waitFor()
    await row.locator('.users-view__assign').click()
    const dialog = page.locator('.user-roles')
    await dialog.locator('.role-assign__row').first().waitFor()
    const current = await dialog.locator('.role-assign__row').count()
    if (current !== 1) fail(`分配角色 lists ${current} assignments of ${NEW_USER} (want 1, 网格员)`)
    await dialog.locator('.role-assign__add').click()
    await dialog.locator('.role-assign__role').last().click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: ROLE_NAME }).click()
    await page.waitForTimeout(300)
    await shot(page, '13-user-roles')
    await dialog.locator('.user-roles__submit').click()
    try {
      await row.locator('.users-view__role', { hasText: ROLE_NAME }).waitFor()
    } catch {
      const errors = await dialog.locator('.el-alert__title').allTextContents().catch(() => [])
      fail(`the table does not show ${ROLE_NAME} for ${NEW_USER}${errors.length ? `: ${errors.join('; ')}` : ''}`)
    }
    const tags = (await row.locator('.users-view__role').allTextContents()).map((s) => s.trim())
    if (!tags.includes('网格员')) fail(`${NEW_USER} lost 网格员: ${tags.join(', ')}`)
    log(`${NEW_USER}: ${tags.join(', ')}`)
  })

  await step(`用户管理 › 编辑 renames ${NEW_USER}`, async () => {
    const row = userRow(page, NEW_USER)
    await row.locator('.users-view__edit').click()
    const dialog = page.locator('.user-edit')
    const name = dialog.locator('input[name=edit-display-name]')
    await name.waitFor()
    if ((await name.inputValue()) !== '测试网格员') fail(`编辑 opens with the name "${await name.inputValue()}" (want 测试网格员)`)
    // The unit picker names the account's grid, not its code, before the tree is opened.
    try {
      await page.waitForFunction(
        (code) => {
          const text = document.querySelector('.user-edit .user-edit__unit')?.textContent?.trim() ?? ''
          return text !== '' && !text.includes(code)
        },
        NEW_USER_GRID,
        { timeout: 5_000 },
      )
    } catch {
      fail(`the unit picker shows "${(await dialog.locator('.user-edit__unit').textContent()).trim()}" (want the grid's name)`)
    }
    await name.fill(NEW_USER_RENAMED)
    await page.waitForTimeout(300)
    await shot(page, '14-user-edit')
    await dialog.locator('.user-edit__submit').click()
    try {
      await page.waitForFunction(
        ([username, renamed]) =>
          [...document.querySelectorAll('.users-view__table .el-table__row')].some(
            (tr) => tr.querySelector(`[data-username="${username}"]`) && tr.textContent.includes(renamed),
          ),
        [NEW_USER, NEW_USER_RENAMED],
      )
    } catch {
      const errors = await dialogErrors(dialog)
      fail(`the table does not show "${NEW_USER_RENAMED}" after 编辑${errors.length ? `: ${errors.join('; ')}` : ''}`)
    }
    await dialog.waitFor({ state: 'hidden' })
  })

  await step(`用户管理 › 重置密码 of ${RESET_USER}: too short is refused inline, then a valid one`, async () => {
    // Not offered for one's own account nor for a resident (who has no password).
    for (const username of [ADMIN, RESIDENT]) {
      if ((await userRow(page, username).locator('.users-view__password').count()) !== 0) fail(`重置密码 is offered for ${username}`)
    }
    await userRow(page, RESET_USER).locator('.users-view__password').click()
    const dialog = page.locator('.user-password')
    await dialog.locator('input[name=reset-password]').waitFor()
    await dialog.locator('input[name=reset-password]').fill(SHORT_PASSWORD)
    await dialog.locator('input[name=reset-password-confirm]').fill(SHORT_PASSWORD)
    await dialog.locator('.user-password__submit').click()
    const tooShort = dialog.locator('.el-form-item__error', { hasText: '密码太短' })
    try {
      await tooShort.waitFor({ timeout: 5_000 })
    } catch {
      fail(`a ${SHORT_PASSWORD.length}-character password was not refused inline (errors: ${(await dialogErrors(dialog)).join('; ')})`)
    }
    await page.waitForTimeout(300)
    await shot(page, '15-reset-password')
    await dialog.locator('input[name=reset-password]').fill(RESET_PASSWORD)
    await dialog.locator('input[name=reset-password-confirm]').fill(RESET_PASSWORD)
    await dialog.locator('.user-password__submit').click()
    try {
      await page.locator('.el-message--success', { hasText: '已重置' }).waitFor()
    } catch {
      fail(`no success message after 重置密码 (errors: ${(await dialogErrors(dialog)).join('; ')})`)
    }
    await dialog.waitFor({ state: 'hidden' })
  })

  await step('审计日志 shows the user.create record', async () => {
    await page.locator('.el-menu-item', { hasText: '审计日志' }).click()
    await page.waitForURL(/\/system\/audit$/)
    const created = page.locator('.audit-view__action[data-action="user.create"]')
    try {
      await created.first().waitFor()
    } catch {
      const actions = await page.locator('.audit-view__action').evaluateAll((els) => els.map((e) => e.dataset.action))
      fail(`no user.create row in the audit log (actions: ${actions.join(', ')})`)
    }
    const label = (await created.first().textContent()).trim()
    if (label !== '新增用户') fail(`user.create is shown as "${label}" (want 新增用户)`)
    await page.waitForTimeout(400)
    await shot(page, '11-audit')
  })

  await step('审计日志 filtered by action user. and a time range', async () => {
    await page.locator('.audit-view__action-filter').click()
    await page.locator('.el-select-dropdown__item:visible:has([data-action="user."])').click()
    // Type a range into the picker (Beijing time): from an hour ago to the end of tomorrow.
    const beijing = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
    const inputs = page.locator('.audit-view__range input')
    await inputs.nth(0).fill(beijing(Date.now() - 3600_000))
    await inputs.nth(0).press('Enter')
    await inputs.nth(1).fill(`${beijing(Date.now() + 86_400_000).slice(0, 10)} 23:59:59`)
    await inputs.nth(1).press('Enter')
    await page.keyboard.press('Escape')
    const response = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('action=user.'))
    await page.locator('.audit-view__search-button').click()
    const answer = await response
    const url = new URL(answer.url())
    if (answer.status() !== 200) fail(`GET ${url.pathname}${url.search} answered ${answer.status()}`)
    if (!url.searchParams.get('from') || !url.searchParams.get('until')) fail(`the search sent no time range: ${url.search}`)
    const { total } = await answer.json()
    await page.waitForFunction(() => document.querySelector('.audit-view__table .el-loading-mask') === null || getComputedStyle(document.querySelector('.audit-view__table .el-loading-mask')).display === 'none')
    const actions = await page.locator('.audit-view__action').evaluateAll((els) => els.map((e) => e.dataset.action))
    if (actions.length === 0) fail(`no rows for action user. (${url.search})`)
    const others = actions.filter((a) => !a.startsWith('user.'))
    if (others.length) fail(`the filtered log shows other actions: ${others.join(', ')}`)
    for (const want of ['user.create', 'user.update', 'user.password_reset', 'user.roles']) {
      if (!actions.includes(want)) fail(`no ${want} row among ${actions.join(', ')}`)
    }
    // The rename is recorded under the account's unit, shown in the 区域 column.
    const updateRow = page.locator('.audit-view__table .el-table__row:has([data-action="user.update"])').first()
    const region = (await updateRow.locator('.audit-view__region').textContent()).trim()
    if (region !== NEW_USER_GRID) fail(`the user.update row's 区域 is "${region}" (want ${NEW_USER_GRID})`)
    const totalText = (await page.locator('.audit-view__pager .el-pagination__total').textContent()).trim()
    if (!totalText.includes(String(total))) fail(`the pager says "${totalText}" but the server counted ${total}`)
    log(`${total} user.* records (${actions.join(', ')}); pager "${totalText}"`)
    await page.waitForTimeout(300)
    await shot(page, '16-audit-filter')
  })

  await step('案件管理 › 事项分类 lists the 8 groups and 40 categories with their limits', async () => {
    await page.locator('.el-menu-item', { hasText: '事项分类' }).click()
    await page.waitForURL(/\/cases\/categories$/)
    const rows = page.locator('.categories-view__table .el-table__row')
    await page.locator(`.categories-view__name[data-code="${CATEGORY}"]`).waitFor()
    const count = await rows.count()
    if (count !== 48) fail(`事项分类 shows ${count} rows (want 8 groups and 40 categories)`)
    const row = categoryRow(page, CATEGORY)
    const accept = (await row.locator('.categories-view__accept').textContent()).trim()
    const handle = (await row.locator('.categories-view__handle').textContent()).trim()
    if (accept !== '2 小时' || handle !== '1 个工作日') fail(`${CATEGORY} reads accept "${accept}", handle "${handle}" (want 2 小时, 1 个工作日)`)
    await page.waitForTimeout(400)
    await shot(page, '19-categories')
  })

  await step(`事项分类 › 编辑 sets the handling limit of ${CATEGORY} to 2 个工作日`, async () => {
    await categoryRow(page, CATEGORY).locator('.categories-view__edit').click()
    const dialog = page.locator('.category-edit')
    const handle = dialog.locator('.category-edit__value--handle input')
    await handle.waitFor()
    // More than a year is refused next to the field, before anything is sent.
    await handle.fill('2000')
    await handle.press('Tab')
    await dialog.locator('.category-edit__submit').click()
    try {
      await dialog.locator('.el-form-item__error', { hasText: '时限须在' }).waitFor({ timeout: 5_000 })
    } catch {
      fail(`a handling limit of 2000 working days was not refused inline (errors: ${(await dialogErrors(dialog)).join('; ')})`)
    }
    await handle.fill('2')
    await handle.press('Tab')
    const preview = (await dialog.locator('.category-edit__limit--handle .category-edit__preview').textContent()).trim()
    if (preview !== '2 个工作日') fail(`the dialog previews the handling limit as "${preview}" (want 2 个工作日)`)
    await page.waitForTimeout(300)
    await shot(page, '20-category-edit')
    const response = page.waitForResponse((r) => r.url().includes('/api/v1/case-categories/') && r.request().method() === 'PUT')
    await dialog.locator('.category-edit__submit').click()
    const answer = await response
    if (answer.status() !== 200) fail(`PUT answered ${answer.status()}: ${await answer.text()}`)
    const saved = await answer.json()
    if (saved.handle_minutes !== 960 || saved.version !== 2) fail(`the saved category has handle_minutes ${saved.handle_minutes}, version ${saved.version} (want 960, 2)`)
    await dialog.waitFor({ state: 'hidden' })
    const row = categoryRow(page, CATEGORY)
    await row.locator('.categories-view__handle', { hasText: '2 个工作日' }).waitFor()
  })

  await step(`事项分类: the 启用 switch disables ${DISABLED_CATEGORY}, then enables it again`, async () => {
    const toggle = async (want) => {
      await categoryRow(page, DISABLED_CATEGORY).locator('.categories-view__switch').click()
      await page.locator('.el-message-box__btns .el-button--primary').click()
      await page.locator('.el-message--success', { hasText: want ? '已启用' : '已停用' }).last().waitFor()
      const listed = await page.evaluate(async (code) => {
        const answer = await (await fetch('/api/v1/case-categories')).json()
        return answer.items.find((c) => c.code === code)
      }, DISABLED_CATEGORY)
      if (listed.enabled !== want) fail(`the server lists ${DISABLED_CATEGORY} with enabled ${listed.enabled} (want ${want})`)
      const struck = await categoryRow(page, DISABLED_CATEGORY).locator('.categories-view__name.is-disabled').count()
      if (struck !== (want ? 0 : 1)) fail(`the row of ${DISABLED_CATEGORY} is${want ? '' : ' not'} shown as disabled`)
    }
    await toggle(false)
    await page.waitForTimeout(400)
    await shot(page, '21-category-disabled')
    await toggle(true)
  })

  await step('log out: back to the login page', async () => {
    await logOut(page)
    // The session is over on the server too: the API refuses the old cookie.
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status)
    if (status !== 401) fail(`GET /api/v1/auth/me answers ${status} after logging out (want 401)`)
  })

  await step(`log in as ${RESET_USER} with the reset password, 修改密码 in the user menu`, async () => {
    const name = await logIn(page, RESET_USER, RESET_PASSWORD)
    log(`signed in as ${name} with the reset password`)
    await page.locator('.user-menu__trigger').click()
    await page.locator('.user-menu__password').click()
    const dialog = page.locator('.change-password')
    await dialog.locator('input[name=current-password]').waitFor()
    // A wrong current password is refused next to its field.
    await dialog.locator('input[name=current-password]').fill('Not-The-Pass#1')
    await dialog.locator('input[name=new-password]').fill(OWN_PASSWORD)
    await dialog.locator('input[name=new-password-confirm]').fill(OWN_PASSWORD)
    await dialog.locator('.change-password__submit').click()
    try {
      await dialog.locator('.el-form-item__error', { hasText: '当前密码不正确' }).waitFor({ timeout: 5_000 })
    } catch {
      fail(`a wrong current password was not refused inline (errors: ${(await dialogErrors(dialog)).join('; ')})`)
    }
    await page.waitForTimeout(300)
    await shot(page, '17-change-password')
    await dialog.locator('input[name=current-password]').fill(RESET_PASSWORD)
    await dialog.locator('.change-password__submit').click()
    const done = page.locator('.el-message--success', { hasText: '其他设备' })
    try {
      await done.waitFor()
    } catch {
      fail(`no "other devices signed out" message after 修改密码 (errors: ${(await dialogErrors(dialog)).join('; ')})`)
    }
    await dialog.waitFor({ state: 'hidden' })
    // This session stays.
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status)
    if (status !== 200) fail(`GET /api/v1/auth/me answers ${status} after changing the password (want 200)`)
    await shot(page, '18-password-changed')
  })

  await step(`log out, log in as ${RESET_USER} with the new password`, async () => {
    await logOut(page)
    // The old password no longer works.
    const old = await page.evaluate(
      async ([username, password]) =>
        (await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) })).status,
      [RESET_USER, RESET_PASSWORD],
    )
    if (old !== 401) fail(`logging in with the replaced password answers ${old} (want 401)`)
    const name = await logIn(page, RESET_USER, OWN_PASSWORD)
    log(`signed in as ${name} with the new password`)
    await logOut(page)
  })

  await step(`log in as ${COMMUNITY}: only that community's grids`, async () => {
    const name = await logIn(page, COMMUNITY)
    log(`signed in as ${name}`)
    try {
      // The status line shows the count once the map has finished loading.
      await page.waitForFunction(
        () =>
          document.querySelectorAll('.leaflet-grids-pane path.leaflet-interactive').length > 0 &&
          document.querySelector('.map-toolbar__count') !== null,
        null,
        { timeout: 15_000 },
      )
    } catch {
      fail(`no grid polygons were drawn for ${COMMUNITY} (${await gridPathCount(page)} paths)`)
    }
    await page.waitForTimeout(500) // let a second request, if any, settle
    const count = await gridPathCount(page)
    if (count <= 0 || count >= MAX_COMMUNITY_GRIDS) {
      fail(`${COMMUNITY} sees ${count} grid polygons (want 1 to ${MAX_COMMUNITY_GRIDS - 1}: one community's grids)`)
    }
    const tree = page.locator('.region-tree__node[data-level=community]')
    await tree.first().waitFor()
    const streets = await page.locator('.region-tree__node[data-level=street] .region-tree__name').allTextContents()
    const communities = await tree.locator('.region-tree__name').allTextContents()
    if (streets.length !== 1) fail(`the region tree shows ${streets.length} streets (want 1): ${streets.join(', ')}`)
    if (communities.length !== 1) fail(`the region tree shows ${communities.length} communities (want 1)`)
    const home = (await page.locator('.map-toolbar__home').textContent()).trim()
    log(`${count} grid polygons; tree: ${streets[0].trim()} › ${communities[0].trim()}; home button "${home}"`)
    await shot(page, '06-community-map')
  })

  await step(`${COMMUNITY} sees 事项分类 read-only, with the edited limit`, async () => {
    await page.locator('.el-menu-item', { hasText: '事项分类' }).click()
    await page.waitForURL(/\/cases\/categories$/)
    await categoryRow(page, CATEGORY).locator('.categories-view__handle', { hasText: '2 个工作日' }).waitFor()
    await page.locator('.categories-view__notice').waitFor()
    const controls = await page.locator('.categories-view__add, .categories-view__add-group, .categories-view__edit, .categories-view__switch').count()
    if (controls !== 0) fail(`a community operator is offered ${controls} editing controls on 事项分类`)
  })

  await checkPagesClean()
}

// Smoke has a single page; its failure screenshot keeps the name failure.png.
await runTest('smoke', { timeoutMs: 120_000, failureShot: () => 'failure.png' }, run)
