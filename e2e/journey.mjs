#!/usr/bin/env node
// A case's journey through gridgov in Chromium, against a real `gridgov demo` server:
//
//   GRIDGOV_BIN=../target/debug/gridgov node journey.mjs
//
// 0. The community operator reads 考核指标 for the month (the counts before the journey) and leaves
//    待办案件 open.
// 1. The grid worker, on the phone page (390×844, GPS at a point of grid 370105001001001), reports
//    垃圾堆放 with a photo (a PNG made by the test). The first answer is lost on the way back (the
//    server has the case, the phone sees a dropped connection): the report waits in the outbox and
//    立即重试 sends it again with the same idempotency key, so the server answers with the same case
//    and there is still only one; then the photo is uploaded to it. The community's 待办案件 lists
//    the case by itself (server-sent events, no refresh), and its drawer shows the photo.
// 2. The community operator (console) accepts it and escalates it to the street; the street whistles
//    区城市管理局 (suggested by the category); the department reports for duty and reports the result.
// 3. The grid worker verifies it on the phone (待核查 in 我的任务): closed.
// 4. The resident reports 楼道照明损坏 on the phone. The community operator's accept meets a stale
//    version (someone accepted it a moment earlier): the drawer reloads and says so; then it is
//    dispatched to the grid, the grid worker reports the result on the phone with a photo, the
//    community verifies (the photo under 处置反馈 on the timeline), and the resident rates it 满意.
// 5. The community's 考核指标 counts both reports and one more case resolved in the grid.
// Screenshots go to e2e/artifacts/ (20-… onwards); ends with "N passed, N failed".
// The web front end must have been built (web/dist) before the binary was compiled.

import { deflateSync } from 'node:zlib'
import { checkPagesClean, consoleLogIn, desktop, fail, launchChromium, log, phone, phoneLogIn, runTest, shot, startDemo, step } from './harness.mjs'

// A point well inside grid 370105001001001 (幸福社区第1网格), the demo grid worker's and resident's grid.
const POINT = { latitude: 36.6616, longitude: 116.9317, accuracy: 8 }
const GRID = '370105001001001'
const GRID_NAME = '幸福社区第1网格'
const DEPARTMENT = '区城市管理局'
const WORKER_REPORT = '幸福社区第1网格东侧路边垃圾堆放，影响行人通行'
const RESIDENT_REPORT = '3号楼2单元楼道灯不亮，晚上上下楼不安全'

/** A `width`×`height` RGB PNG with a gradient (a stand-in for a camera photo), made without a library. */
function makePng(width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes) => {
    let c = 0xffffffff
    for (const b of bytes) c = table[(c ^ b) & 255] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([length, body, sum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const row = width * 3 + 1
  const pixels = Buffer.alloc(row * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3
      pixels[o] = 90 + Math.round((120 * x) / width)
      pixels[o + 1] = 140 + Math.round((80 * y) / height)
      pixels[o + 2] = 60 + ((x >> 5) + (y >> 5)) % 2 * 60
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const SCENE_PHOTO = { name: 'scene.png', mimeType: 'image/png', buffer: makePng(640, 480) }
const RESULT_PHOTO = { name: 'result.png', mimeType: 'image/png', buffer: makePng(480, 360) }

/** A phone: 390×844, touch, Chinese, GPS at POINT. */
const phoneAtPoint = (who) => phone(who, { geolocation: POINT, permissions: ['geolocation'] })

/** 案件管理 › 待办案件, then the case's row opens the detail drawer. */
async function openFromTodo(page, caseNo) {
  await page.locator('.el-menu-item', { hasText: '待办案件' }).click()
  await page.waitForURL(/\/cases\/todo/)
  // Already on the page (the menu then does not navigate): the refresh button asks again.
  await page.locator('.cases-view__refresh').click()
  const link = page.locator('.cases-view__no', { hasText: caseNo })
  try {
    await link.waitFor({ timeout: 10_000 })
  } catch {
    const listed = await page.locator('.cases-view__no').allTextContents()
    fail(`待办案件 does not list ${caseNo} (it lists: ${listed.join(', ') || 'nothing'})`)
  }
  await link.click()
  await page.locator('.case-detail__state').waitFor()
}

/** The drawer's action buttons, by action code. */
const drawerActions = (page) => page.locator('.case-detail__action').evaluateAll((els) => els.map((e) => e.dataset.action))

/** Clicks an action in the drawer, fills its dialog with `fill`, submits, and waits for the state. */
async function act(page, action, { fill, state } = {}) {
  const button = page.locator(`.case-detail__action[data-action="${action}"]`)
  if (!(await button.waitFor({ timeout: 10_000 }).then(() => true, () => false))) fail(`the drawer offers no ${action} (it offers: ${(await drawerActions(page)).join(', ')})`)
  await button.click()
  const dialog = page.locator(`.case-action[data-action="${action}"]`)
  await dialog.waitFor()
  if (fill) await fill(dialog)
  await dialog.locator('.case-action__submit').click()
  try {
    await page.locator('.el-message--success').last().waitFor({ timeout: 10_000 })
  } catch {
    const errors = await dialog.locator('.el-form-item__error, .el-alert__title').allTextContents().catch(() => [])
    fail(`${action} did not succeed${errors.length ? `: ${errors.join('; ')}` : ''}`)
  }
  await dialog.waitFor({ state: 'hidden' })
  if (state) await page.locator(`.case-detail__state[data-state="${state}"]`).waitFor()
}

/** On the phone case page: an action's sheet, filled and confirmed; waits for the state. */
async function phoneAct(page, action, { fill, state } = {}) {
  const button = page.locator(`.m-case__action[data-action="${action}"]`)
  if (!(await button.waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
    const offered = await page.locator('.m-case__action').evaluateAll((els) => els.map((e) => e.dataset.action))
    fail(`the phone case page offers no ${action} (it offers: ${offered.join(', ') || 'nothing'})`)
  }
  await button.click()
  const sheet = page.locator('.m-action__body')
  await sheet.waitFor()
  if (fill) await fill(sheet)
  await sheet.locator('.m-action__submit').click()
  try {
    // The sheet closes once the server took the action (a refusal stays in it, under the note).
    await sheet.waitFor({ state: 'detached', timeout: 10_000 })
    await page.locator(`.m-case__state[data-state="${state}"]`).waitFor({ timeout: 10_000 })
  } catch {
    const error = await sheet.locator('.m-action__error').textContent({ timeout: 1_000 }).catch(() => '')
    fail(`${action} on the phone did not lead to ${state}${error ? `: ${error}` : ''}`)
  }
}

/** Picks a category in the phone's cascader: group, then category. */
async function pickCategory(page, group, category) {
  await page.locator('.m-report__category').click()
  const cascader = page.locator('.m-report__cascader')
  await cascader.locator('.van-cascader__option', { hasText: group }).click()
  await cascader.locator('.van-cascader__option', { hasText: category }).click()
  await cascader.waitFor({ state: 'hidden' })
}

/** Waits for the phone's location and the grid it falls in. */
async function waitForLocation(page) {
  try {
    await page.locator('.m-report__location[data-located="true"] .m-report__place', { hasText: GRID_NAME }).waitFor({ timeout: 10_000 })
  } catch {
    const text = await page.locator('.m-report__location').textContent().catch(() => '(no location cell)')
    fail(`the phone did not locate itself in ${GRID_NAME}: ${text.trim()}`)
  }
}

const caseIdOf = (page) => Number(/\/m\/cases\/(\d+)/.exec(page.url())?.[1])

/** 案件管理 › 考核指标 for the current month: the reports received and the cases closed (in the grid). */
async function readKpis(page) {
  await page.locator('.el-menu-item', { hasText: '考核指标' }).click()
  await page.waitForURL(/\/cases\/kpi/)
  const card = (key) => page.locator(`.kpi-card[data-kpi="${key}"]`)
  try {
    await card('grid_resolution_rate').waitFor({ timeout: 10_000 })
  } catch {
    const error = await page.locator('.kpi-view__error').textContent().catch(() => null)
    fail(`考核指标 shows no indicators${error ? `: ${error.trim()}` : ''}`)
  }
  const number = async (key, attribute) => Number(await card(key).getAttribute(attribute))
  const cards = await page.locator('.kpi-card').count()
  if (cards !== 12) fail(`考核指标 shows ${cards} cards (want 12)`)
  return {
    region: await page.locator('.kpi-view__title').getAttribute('data-region'),
    reported: await number('registration_rate', 'data-denominator'),
    closed: await number('grid_resolution_rate', 'data-denominator'),
    closedInGrid: await number('grid_resolution_rate', 'data-numerator'),
    gridRate: (await card('grid_resolution_rate').locator('.kpi-card__number').textContent()).trim(),
  }
}

async function run() {
  const baseUrl = await step('start gridgov demo', () => startDemo({ cases: 3000 }))
  await step('launch Chromium', launchChromium)

  const worker = await phoneAtPoint('gridworker (phone)')
  const community = await desktop('community')
  const street = await desktop('street')
  const dept = await desktop('dept')
  const resident = await phoneAtPoint('resident (phone)')

  await step('grid worker signs in on the phone page', async () => {
    await worker.goto(`${baseUrl}m`)
    await worker.waitForURL(/\/m\/login/)
    await worker.locator('.m-login__submit--password').waitFor()
    await worker.waitForTimeout(300)
    await shot(worker, '20-m-login')
    await phoneLogIn(worker, 'gridworker')
  })

  const kpiBefore = await step('community reads 考核指标 before the journey, then leaves 待办案件 open', async () => {
    await consoleLogIn(community, 'community')
    const kpis = await readKpis(community)
    if (kpis.region !== '370105001001') fail(`考核指标 defaults to ${kpis.region} (want the community 370105001001)`)
    await community.waitForTimeout(300)
    await shot(community, '19-console-kpi-before')
    await community.locator('.el-menu-item', { hasText: '待办案件' }).click()
    await community.waitForURL(/\/cases\/todo/)
    await community.locator('.cases-view__table').waitFor()
    await community.locator('.cases-view__table .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => {})
    log(`before: ${kpis.reported} reports, ${kpis.closedInGrid} of ${kpis.closed} closed in the grid (${kpis.gridRate})`)
    return kpis
  })

  const first = await step('grid worker reports 垃圾堆放 with a photo; the answer is lost and the outbox retries with the same key', async () => {
    await waitForLocation(worker)
    await pickCategory(worker, '环境卫生', '垃圾堆放')
    await worker.locator('textarea[name=description]').fill(WORKER_REPORT)
    await worker.locator('input[name=address]').fill('幸福社区1号楼东侧')
    await worker.locator('.m-report__photos input[type=file]').setInputFiles(SCENE_PHOTO)
    try {
      await worker.locator('.m-report__photos .m-photos-picker[data-count="1"] .van-uploader__preview').waitFor({ timeout: 10_000 })
    } catch {
      fail('the picked photo does not show on the report form')
    }
    await worker.waitForTimeout(300)
    await shot(worker, '21-m-report-form')
    // The server receives the report, but the phone never hears back.
    let keys = []
    await worker.route('**/api/v1/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      keys.push(JSON.parse(route.request().postData() ?? '{}').idempotency_key)
      await route.fetch()
      await route.abort('connectionreset')
    })
    await worker.locator('.m-report__submit').click()
    const queued = worker.locator('.m-outbox__item[data-status="pending"]')
    try {
      await queued.waitFor({ timeout: 10_000 })
    } catch {
      fail('after a dropped answer the report is not waiting in the outbox')
    }
    await worker.waitForTimeout(400)
    await shot(worker, '22-m-outbox')
    await worker.unroute('**/api/v1/cases')
    // Now with the network back: the same key again.
    const retried = worker.waitForRequest((r) => r.url().endsWith('/api/v1/cases') && r.method() === 'POST')
    await worker.locator('.m-outbox__retry').click()
    keys.push(JSON.parse((await retried).postData() ?? '{}').idempotency_key)
    const result = worker.locator('.m-report__result')
    await result.waitFor()
    if (keys[0] !== keys[1] || !keys[0]) fail(`the retry used another idempotency key (${keys.join(' then ')})`)
    if ((await result.getAttribute('data-created')) !== 'false') fail('the retry was answered as a new case: the report was doubled')
    const caseNo = /\d{8}-\d{6}/.exec(await worker.locator('.m-report__case-no').textContent())?.[0]
    if (!caseNo) fail('the result shows no case number')
    if ((await worker.locator('.m-outbox__item').count()) !== 0) fail('the outbox still holds the report after it was received')
    const count = await worker.evaluate(async (q) => (await (await fetch(`/api/v1/cases?inbox=reported&q=${encodeURIComponent(q)}`)).json()).total, WORKER_REPORT)
    if (count !== 1) fail(`the server holds ${count} cases for the report (want 1)`)
    const photoResult = worker.locator('.m-report__photo-result')
    if ((await photoResult.getAttribute('data-sent').catch(() => null)) !== '1') {
      fail(`the photo was not uploaded with the report: ${(await photoResult.textContent().catch(() => '(no photo line)')).trim()}`)
    }
    log(`case ${caseNo}, one case for two requests with key ${keys[0]}, its photo uploaded`)
    await worker.waitForTimeout(300)
    await shot(worker, '23-m-reported')
    await worker.locator('.m-report__view').click()
    await worker.waitForURL(/\/m\/cases\/\d+/)
    await worker.locator('.m-case__state[data-state="reported"]').waitFor()
    await worker.locator('.m-case__photos .m-photo-strip__thumb').first().waitFor()
    await shot(worker, '24-m-case-reported')
    return { caseNo, id: caseIdOf(worker) }
  })

  await step(`community's 待办案件 lists ${first.caseNo} by itself (live update, no refresh)`, async () => {
    // The list was loaded before the report and nobody touches it: only the event stream can bring the case in.
    try {
      await community.locator('.cases-view__no', { hasText: first.caseNo }).waitFor({ timeout: 10_000 })
    } catch {
      const listed = await community.locator('.cases-view__no').allTextContents()
      fail(`待办案件 did not update by itself with ${first.caseNo} (it lists: ${listed.join(', ') || 'nothing'})`)
    }
    await community.locator('.cases-view .live-hint').waitFor({ timeout: 5_000 }).catch(() => fail('no 已更新 hint after the live update'))
    await shot(community, '39-console-live-list')
  })

  await step(`community sees the photo in the drawer, accepts ${first.caseNo} and escalates it to the street`, async () => {
    await openFromTodo(community, first.caseNo)
    const thumbs = community.locator('.case-detail__photos .case-photos__thumb img')
    try {
      await thumbs.first().waitFor({ timeout: 10_000 })
      await community.waitForFunction(() => {
        const img = document.querySelector('.case-detail__photos .case-photos__thumb img')
        return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0
      }, null, { timeout: 10_000 })
    } catch {
      fail('the drawer shows no thumbnail of the reported photo')
    }
    if ((await thumbs.count()) !== 1) fail(`the drawer shows ${await thumbs.count()} photos (want 1)`)
    const src = await thumbs.first().getAttribute('src')
    if (!/\/api\/v1\/photos\/\d+\/thumb$/.test(src ?? '')) fail(`the thumbnail comes from ${src} (want /api/v1/photos/{id}/thumb)`)
    await community.waitForTimeout(600) // the map and the names
    await shot(community, '25-console-detail')
    // Click: the full photo in the viewer.
    await thumbs.first().click()
    const viewer = community.locator('.el-image-viewer__img')
    await viewer.waitFor({ timeout: 5_000 }).catch(() => fail('clicking the thumbnail does not open the photo'))
    if (!/\/api\/v1\/photos\/\d+$/.test((await viewer.getAttribute('src')) ?? '')) fail('the viewer does not show the full photo')
    await community.waitForTimeout(400)
    await shot(community, '40-console-photo')
    await community.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })
    await act(community, 'accept', { state: 'accepted' })
    await act(community, 'escalate', { fill: (d) => d.locator('textarea[name=action-comment]').fill('占道面积较大，需街道协调城管处理'), state: 'accepted' })
    // The state stays 已立案, so wait for the reloaded holder before reading the buttons.
    await community.locator('.case-detail__holder', { hasText: '街道' }).waitFor({ timeout: 10_000 }).catch(() => {})
    const left = await drawerActions(community)
    if (left.length) fail(`after escalating, the community still may ${left.join(', ')}`)
    const holder = (await community.locator('.case-detail__holder').textContent()).trim()
    if (!holder.includes('街道')) fail(`the case is held by "${holder}" after escalating (want the street's centre)`)
    await community.locator('.case-detail__action').first().waitFor({ state: 'detached' }).catch(() => {})
    await community.waitForTimeout(300)
    await shot(community, '26-console-escalated')
  })

  await step(`street whistles ${DEPARTMENT}`, async () => {
    await consoleLogIn(street, 'street')
    await openFromTodo(street, first.caseNo)
    await act(street, 'whistle', {
      fill: async (dialog) => {
        const select = dialog.locator('.case-action__department')
        await street.waitForFunction(
          (name) => document.querySelector('.case-action__department')?.textContent?.includes(name),
          DEPARTMENT,
          { timeout: 5_000 },
        ).catch(() => {})
        const shown = (await select.textContent()).trim()
        if (!shown.includes(DEPARTMENT)) fail(`the whistle dialog suggests "${shown}" (want ${DEPARTMENT}, the category's department)`)
        await street.waitForTimeout(300)
        await shot(street, '27-console-whistle')
      },
      state: 'whistled',
    })
  })

  await step('department reports for duty and reports the result', async () => {
    await consoleLogIn(dept, 'dept')
    await dept.locator('.el-menu-item', { hasText: '待办案件' }).click()
    await dept.locator('.cases-view[data-inbox="department"]').waitFor()
    await openFromTodo(dept, first.caseNo)
    await act(dept, 'acknowledge', { state: 'handling' })
    await act(dept, 'report_result', { fill: (d) => d.locator('textarea[name=action-comment]').fill('已清运完毕，现场已恢复整洁'), state: 'handled' })
    await dept.waitForTimeout(400)
    await shot(dept, '28-console-dept-result')
  })

  await step('grid worker verifies it on the phone (待核查 in 我的任务): closed', async () => {
    await worker.locator('.m-tab[data-tab="tasks"]').click()
    await worker.waitForURL(/\/m\/tasks/)
    const card = worker.locator(`.m-case-card[data-case-id="${first.id}"]`)
    try {
      await card.waitFor({ timeout: 10_000 })
    } catch {
      fail(`我的任务 does not show case ${first.caseNo} to verify`)
    }
    await worker.waitForTimeout(300)
    await shot(worker, '29-m-tasks-verify')
    await card.click()
    await worker.locator('.m-case__state[data-state="handled"]').waitFor()
    await phoneAct(worker, 'verify', { state: 'closed' })
    const events = await worker.locator('.m-event').evaluateAll((els) => els.map((e) => e.dataset.action))
    for (const want of ['report', 'accept', 'escalate', 'whistle', 'acknowledge', 'report_result', 'verify']) {
      if (!events.includes(want)) fail(`the timeline lacks ${want}: ${events.join(', ')}`)
    }
    await worker.waitForTimeout(300)
    await shot(worker, '30-m-closed')
  })

  const second = await step('resident signs in on the phone and reports 楼道照明损坏', async () => {
    await phoneLogIn(resident, 'resident')
    const tabs = await resident.locator('.m-tab').evaluateAll((els) => els.map((e) => e.dataset.tab))
    if (tabs.includes('tasks')) fail('a resident is offered 任务')
    await waitForLocation(resident)
    await pickCategory(resident, '市政设施', '楼道照明损坏')
    await resident.locator('textarea[name=description]').fill(RESIDENT_REPORT)
    await resident.waitForTimeout(300)
    await shot(resident, '31-m-resident-report')
    await resident.locator('.m-report__submit').click()
    const result = resident.locator('.m-report__result[data-created="true"]')
    await result.waitFor()
    const caseNo = /\d{8}-\d{6}/.exec(await resident.locator('.m-report__case-no').textContent())?.[0]
    await resident.locator('.m-report__view').click()
    await resident.waitForURL(/\/m\/cases\/\d+/)
    await resident.locator('.m-case__state[data-state="reported"]').waitFor()
    return { caseNo, id: caseIdOf(resident) }
  })

  await step('community accepts the resident\'s case and dispatches it to the grid', async () => {
    await community.locator('.el-drawer__close-btn').click()
    await openFromTodo(community, second.caseNo)
    await act(community, 'accept', { state: 'accepted' })
    await act(community, 'dispatch', {
      fill: async (d) => {
        await d.locator('.case-action__target').click()
        const node = community.locator('.el-tree-node__content:visible', { hasText: GRID_NAME }).first()
        await node.waitFor()
        await node.click()
        await community.waitForTimeout(300)
        await shot(community, '32-console-dispatch')
        await d.locator('.el-dialog__title').click() // closes the drop-down
      },
      state: 'handling',
    })
    const holder = (await community.locator('.case-detail__holder').textContent()).trim()
    if (holder !== GRID_NAME) fail(`the case is held by "${holder}" after dispatching (want ${GRID_NAME})`)
  })

  await step('community: an extension on a stale version is refused, reloaded and explained', async () => {
    // The operator opens 延期; meanwhile someone else extends it (here: the same account, behind the
    // page's back). The live update does not change the open dialog's version; it says the case moved on.
    await community.locator('.case-detail__action[data-action="extend"]').click()
    const dialog = community.locator('.case-action[data-action="extend"]')
    await dialog.waitFor()
    const status = await community.evaluate(async (id) => {
      const { case: c } = await (await fetch(`/api/v1/cases/${id}`)).json()
      const body = { action: 'extend', version: c.version, extend_minutes: 60, comment: '居民要求更换整套灯具' }
      return (await fetch(`/api/v1/cases/${id}/actions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status
    }, second.id)
    if (status !== 200) fail(`extending behind the page's back answered ${status}`)
    await dialog.locator('.case-action__moved').waitFor({ timeout: 10_000 }).catch(() => fail('the open dialog does not say that the case moved on'))
    await dialog.locator('.case-action__submit').click()
    try {
      await community.locator('.el-message--warning', { hasText: '已被他人处理' }).waitFor({ timeout: 10_000 })
    } catch {
      const errors = await dialog.locator('.el-form-item__error, .el-alert__title').allTextContents().catch(() => [])
      fail(`a stale version is not explained${errors.length ? ` (the dialog says: ${errors.join('; ')})` : ''}`)
    }
    await dialog.waitFor({ state: 'hidden' })
    // The reloaded timeline shows the other extension.
    await community.locator('.case-event[data-action="extend"]').waitFor()
    await community.waitForTimeout(300)
    await shot(community, '33-console-stale-reloaded')
  })

  await step('grid worker reports the result on the phone', async () => {
    await worker.locator('.m-tab[data-tab="tasks"]').click()
    const card = worker.locator(`.m-case-card[data-case-id="${second.id}"]`)
    try {
      await card.waitFor({ timeout: 10_000 })
    } catch {
      fail(`我的任务 does not list ${second.caseNo}`)
    }
    await card.click()
    await worker.locator(`.m-case__state[data-state="handling"]`).waitFor()
    await phoneAct(worker, 'report_result', {
      fill: async (s) => {
        await s.locator('textarea[name=action-comment]').fill('已更换灯泡，照明恢复')
        await s.locator('.m-action__photos input[type=file]').setInputFiles(RESULT_PHOTO)
        await s.locator('.m-action__photos .m-photos-picker[data-count="1"] .van-uploader__preview').waitFor()
        await worker.waitForTimeout(300)
        await shot(worker, '41-m-result-photo')
      },
      state: 'handled',
    })
    await worker.locator('.m-event[data-action="report_result"] .m-event__photos img').waitFor().catch(() => fail('the result photo is not under 处置反馈 on the phone'))
    await shot(worker, '34-m-result-reported')
  })

  await step('community verifies it: closed; the result photo is under 处置反馈', async () => {
    // The drawer reloaded by itself when the grid worker reported the result (live update).
    try {
      await community.locator('.case-detail__action[data-action="verify"]').waitFor({ timeout: 10_000 })
    } catch {
      fail('the open drawer did not update by itself when the grid worker reported the result')
    }
    await community.locator('.case-event[data-action="report_result"] .case-event__photos img').waitFor().catch(() => fail('the result photo is not on the timeline'))
    await act(community, 'verify', { state: 'closed' })
    await community.waitForTimeout(400)
    await shot(community, '35-console-closed')
  })

  await step('resident rates it 满意 on the phone', async () => {
    await resident.locator('.m-tab[data-tab="mine"]').click()
    const card = resident.locator(`.m-case-card[data-case-id="${second.id}"][data-state="closed"]`)
    await card.waitFor()
    await resident.waitForTimeout(300)
    await shot(resident, '36-m-mine')
    await card.click()
    await phoneAct(resident, 'rate', {
      fill: async (s) => {
        await s.locator('.m-action__rate[data-rating="satisfied"]').click()
        await resident.waitForTimeout(300)
        await shot(resident, '37-m-rate')
      },
      state: 'closed',
    })
    // The state stays 已结案: wait for the reloaded rating.
    await resident.locator('.m-case__rating', { hasText: '满意' }).waitFor({ timeout: 10_000 }).catch(() => {})
    const rating = (await resident.locator('.m-case__rating').textContent()).trim()
    if (!rating.includes('满意')) fail(`the case shows "${rating}" after rating (want 满意)`)
    if ((await resident.locator('.m-case__action[data-action="rate"]').count()) !== 0) fail('rate is still offered after rating')
    await resident.waitForTimeout(300)
    await shot(resident, '38-m-rated')
  })

  await step('community: 考核指标 counts the journey (two more reports, one more case resolved in the grid)', async () => {
    await community.locator('.el-drawer__close-btn').click()
    const after = await readKpis(community)
    log(`after: ${after.reported} reports, ${after.closedInGrid} of ${after.closed} closed in the grid (${after.gridRate})`)
    if (after.reported !== kpiBefore.reported + 2) fail(`考核指标 counts ${after.reported} reports (want ${kpiBefore.reported} + 2)`)
    if (after.closed !== kpiBefore.closed + 2) fail(`考核指标 counts ${after.closed} closed cases (want ${kpiBefore.closed} + 2)`)
    if (after.closedInGrid !== kpiBefore.closedInGrid + 1) fail(`考核指标 counts ${after.closedInGrid} resolved in the grid (want ${kpiBefore.closedInGrid} + 1)`)
    await community.waitForTimeout(300)
    await shot(community, '42-console-kpi-after')
  })

  await checkPagesClean()
}

await runTest('journey', { timeoutMs: 150_000 }, run)
