#!/usr/bin/env node
// Care groups (关爱对象) and their visits (走访记录) in Chromium, against a real `gridgov demo`:
//
//   GRIDGOV_BIN=../target/debug/gridgov node care.mjs
//   E2E_BASE_URL=http://127.0.0.1:5192/ node care.mjs   # a server already running (e.g. Vite
//                                                       # proxying to a demo): nothing is spawned
//
// 1. The community operator (`community`, 幸福社区) registers a new resident in grid
//    370105001001001 (a name of its own, so that the journey can run against a demo used before),
//    opens 基础信息 › 关爱对象, 加入关爱对象: finds the resident by the start of the name, picks
//    独居老人 (the cycle follows: 7 days) and a joining day 8 days ago. The row shows the resident
//    overdue by 1 day (due yesterday), in red, and the toolbar counts the overdue.
// 2. The grid worker (`gridworker`) on the phone (390×844, a phone's user agent) opens the 走访 tab:
//    the resident is listed under 逾期, overdue. 记录走访: 电话询问, the findings, 需要后续跟进 (kept
//    in localStorage as typed: after a reload the page offers the form again, restored). With the
//    phone offline, 提交走访 keeps the visit in the outbox (localStorage) and says so. Back online,
//    the outbox sends it by itself, but the answer is lost on the way (the server recorded it): it
//    stays queued; 立即重试 finds it in the visit log and posts nothing twice. The card is no longer
//    overdue and due in 7 days.
// 3. The operator reloads 关爱对象: the row's next visit moved to today + 7 and its status is no
//    longer overdue; 走访记录 lists the one visit (电话询问, the grid worker's name, the findings, 需跟进);
//    历史 lists 记录走访 and 纳入关爱对象.
// Screenshots go to e2e/artifacts/ (70-… onwards); ends with "N passed, N failed".

import {
  checkPagesClean,
  consoleLogIn,
  desktop,
  externalServer,
  fail,
  launchChromium,
  log,
  openMenu,
  phone,
  phoneLogIn,
  runTest,
  shot,
  startDemo,
  step,
} from './harness.mjs'

const GRID = '370105001001001'
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'

// Both people live in Beijing time whatever the machine's zone: the days the test expects are Beijing days.
const careDesktop = (who) => desktop(who, { timezoneId: 'Asia/Shanghai' })
const carePhone = (who) => phone(who, { userAgent: PHONE_UA, timezoneId: 'Asia/Shanghai' })

/** The calendar day in Beijing, `days` days from now. */
function beijingDay(days = 0) {
  const d = new Date(Date.now() + days * 86_400_000)
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/** A resident name nobody in the demo has: 关 + three characters chosen at random. */
function freshName() {
  const chars = '安宝春德芳桂海和慧佳建杰君兰丽林玲梅敏明宁平清秋荣瑞淑松婷伟文霞香秀雪燕英玉云珍'
  let name = '关'
  for (let i = 0; i < 3; i += 1) name += chars[Math.floor(Math.random() * chars.length)]
  return name
}

/** The JSON of `fetch(path, init)` made by the page itself (same origin: the session and CSRF check pass). */
async function pageFetch(page, url, init = {}) {
  const answer = await page.evaluate(
    async ([u, i]) => {
      const r = await fetch(u, { ...i, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } })
      return { status: r.status, body: await r.text() }
    },
    [url, init],
  )
  if (answer.status >= 300) fail(`${init.method ?? 'GET'} ${url} answered ${answer.status}: ${answer.body.slice(0, 300)}`)
  return JSON.parse(answer.body)
}

/** The table row of a membership on 关爱对象. */
const careRow = (page, id) => page.locator('.care-view__table .el-table__body-wrapper tr', { has: page.locator(`.care-view__person[data-care-id="${id}"]`) })

async function run() {
  if (!externalServer()) await step('gridgov demo starts', () => startDemo({ cases: 200 }))
  await launchChromium()

  const today = beijingDay(0)
  const joined = beijingDay(-8)
  const yesterday = beijingDay(-1)
  const nextDue = beijingDay(7)
  const name = freshName()
  const findings = `电话联系${name}本人，身体尚可，冰箱里有菜，提醒按时服药。`
  let careId = null

  const community = await careDesktop('community')

  await step('the community operator registers a resident in grid 370105001001001', async () => {
    await consoleLogIn(community, 'community')
    const person = await pageFetch(community, '/api/v1/people', { method: 'POST', body: JSON.stringify({ name, kind: 'registered', grid: GRID, address: '天桥区幸福小区3号楼1单元101室' }) })
    log(`registered ${name} (person ${person.id})`)
  })

  await step('加入关爱对象: 独居老人, 7-day cycle, joined 8 days ago', async () => {
    await openMenu(community, '基础信息', '关爱对象')
    await community.waitForURL(/\/registry\/care$/)
    await community.locator('.care-view__table').waitFor()
    await community.locator('.care-view__join').click()
    const dialog = community.locator('.care-join')
    await dialog.waitFor()
    await dialog.locator('.care-join__person input').fill(name)
    const option = community.locator('.care-join__person-option', { hasText: name })
    await option.first().waitFor()
    await option.first().click()
    await dialog.locator('.care-join__group').click()
    await community.locator('.care-join__group-option[data-group="elderly_alone"]').click()
    const cycle = await dialog.locator('.care-join__cycle input').inputValue()
    if (cycle !== '7') fail(`独居老人 starts with a ${cycle}-day cycle, not 7`)
    const joinedInput = dialog.locator('.care-join__joined input')
    await joinedInput.fill(joined)
    await joinedInput.press('Enter')
    await dialog.locator('.care-join__note textarea').fill('子女在外地，独自居住')
    await dialog.locator('.care-join__first-due').waitFor()
    const firstDue = (await dialog.locator('.care-join__first-due').textContent()).trim()
    if (!firstDue.includes(yesterday)) fail(`the dialog says "${firstDue}", not due ${yesterday}`)
    await shot(community, '70-care-join')
    const answer = community.waitForResponse((r) => /\/api\/v1\/people\/\d+\/care$/.test(new URL(r.url()).pathname) && r.request().method() === 'POST')
    await dialog.locator('.care-join__submit').click()
    const response = await answer
    if (response.status() !== 201) fail(`joining answered ${response.status()}: ${await response.text()}`)
    const m = await response.json()
    careId = m.id
    if (m.group !== 'elderly_alone' || m.visit_days !== 7 || m.joined_on !== joined) fail(`joined as ${JSON.stringify(m)}`)
    await dialog.waitFor({ state: 'hidden' })
  })

  await step('the row shows the resident overdue by a day, in red', async () => {
    const row = careRow(community, careId)
    await row.waitFor()
    const status = row.locator('.care-view__status')
    const kind = await status.getAttribute('data-kind')
    const text = (await status.textContent()).trim()
    if (kind !== 'overdue' || text !== '逾期 1 天') fail(`the new member's status is ${kind} "${text}", not overdue by 1 day`)
    if (!(await status.evaluate((el) => el.classList.contains('el-tag--danger')))) fail('the overdue tag is not red')
    const due = await row.locator('.care-view__due').getAttribute('data-due')
    if (due !== yesterday) fail(`the next visit shows ${due}, not ${yesterday}`)
    if (!(await community.locator('.care-view__overdue-total').isVisible())) fail('the toolbar does not count the overdue')
    await shot(community, '71-care-list')
  })

  const worker = await carePhone('gridworker')
  await step('the grid worker sees the resident under 逾期 on the phone', async () => {
    await phoneLogIn(worker, 'gridworker')
    await worker.locator('.m-tab[data-tab="care"]').click()
    await worker.waitForURL(/\/m\/care$/)
    await worker.locator('.m-care__tabs .van-tab', { hasText: '逾期' }).click()
    const card = worker.locator(`.m-care__card[data-care-id="${careId}"]`)
    await card.waitFor()
    if ((await card.getAttribute('data-overdue')) !== 'true') fail('the card is not marked overdue')
    const status = (await card.locator('.m-care__status').textContent()).trim()
    if (status !== '逾期 1 天') fail(`the card says "${status}"`)
    await card.scrollIntoViewIfNeeded()
    await shot(worker, '72-phone-care-overdue')
  })

  await step('记录走访 offline: the visit waits in the outbox on the phone', async () => {
    const card = worker.locator(`.m-care__card[data-care-id="${careId}"]`)
    await card.locator('.m-care__record').click()
    const sheet = worker.locator('.m-care__sheet')
    await sheet.locator('.m-care__way[data-way="phone"]').click()
    await sheet.locator('.m-care__findings textarea').fill(findings)
    await sheet.locator('.m-care__follow-up .van-switch').click()
    await shot(worker, '73-phone-visit-form')
    // The half-typed form is in localStorage already.
    const draft = await worker.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('gridgov.m.visitDraft.')).map((k) => localStorage.getItem(k)))
    if (!draft.some((d) => d?.includes(findings))) fail('the form being typed is not kept in localStorage')
    // A reload (a closed tab, a flat battery) loses nothing: the page offers the form again.
    await worker.reload()
    const resume = worker.locator('[data-testid="care-resume"]')
    await resume.waitFor()
    await resume.locator('.m-care__resume-go').click()
    await sheet.locator('.m-care__findings textarea').waitFor()
    if ((await sheet.locator('.m-care__findings textarea').inputValue()) !== findings) fail('the findings typed before the reload are not restored')
    if ((await sheet.locator('.m-care__way.is-on').getAttribute('data-way')) !== 'phone') fail('the way chosen before the reload is not restored')
    if ((await sheet.locator('.m-care__follow-up .van-switch').getAttribute('aria-checked')) !== 'true') fail('需要后续跟进 is not restored')
    await worker.context().setOffline(true)
    await sheet.locator('.m-care__submit').click()
    await worker.locator('.van-toast', { hasText: '已保存在手机上' }).waitFor()
    await sheet.waitFor({ state: 'hidden' })
    const outbox = worker.locator('[data-testid="care-outbox"]')
    await outbox.waitFor()
    await worker.evaluate(() => window.scrollTo(0, 0))
    if (!(await outbox.locator(`.m-care__queued[data-care-id="${careId}"]`).isVisible())) fail('the outbox does not list the visit')
    const stored = await worker.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('gridgov.m.visits.')).map((k) => localStorage.getItem(k)))
    if (!stored.some((s) => s?.includes(findings))) fail('the unsent visit is not in localStorage')
    await shot(worker, '74-phone-outbox-offline')
  })

  await step('back online, the answer is lost on the way: the visit stays queued, recorded once', async () => {
    // The first POST reaches the server, which records the visit, but its answer never arrives.
    let posts = 0
    let dropped = null
    const arrived = new Promise((resolve) => (dropped = resolve))
    await worker.route(/\/api\/v1\/care\/\d+\/visits$/, async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      posts += 1
      if (posts > 1) return route.continue()
      // What the browser sends with it (route.fetch leaves Sec-Fetch-Site out; behind Vite's proxy,
      // whose Host is the backend's, the Origin alone would read as cross-site).
      const answer = await route.fetch({ headers: { ...(await route.request().allHeaders()), 'sec-fetch-site': 'same-origin' } })
      if (answer.status() !== 201) fail(`the visit was answered ${answer.status()}: ${await answer.text()}`)
      await route.abort('internetdisconnected')
      dropped()
    })
    await worker.context().setOffline(false)
    await arrived
    const outbox = worker.locator('[data-testid="care-outbox"]')
    await worker.locator('.m-care__queued', { hasText: '已尝试 2 次' }).waitFor()
    await shot(worker, '75-phone-outbox-answer-lost')
    // 立即重试 reads the visit log first, finds the visit there and sends nothing twice.
    await outbox.locator('.m-care__retry').click()
    await outbox.waitFor({ state: 'hidden', timeout: 30_000 })
    if (posts !== 1) fail(`the visit was posted ${posts} times`)
    await worker.unroute(/\/api\/v1\/care\/\d+\/visits$/)
  })

  await step('the outbox is empty and the card moves on', async () => {
    const stored = await worker.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('gridgov.m.visits.')).map((k) => localStorage.getItem(k)))
    if (stored.some((s) => s?.includes(findings))) fail('the sent visit is still in localStorage')
    // After the reload the page shows 全部: the visited resident is due in 7 days.
    const card = worker.locator(`.m-care__card[data-care-id="${careId}"]`)
    await card.waitFor()
    if ((await card.getAttribute('data-overdue')) !== 'false') fail('the visited card is still overdue')
    const status = (await card.locator('.m-care__status').textContent()).trim()
    if (status !== '7 天后到期') fail(`the visited card says "${status}", not 7 天后到期`)
    await card.scrollIntoViewIfNeeded()
    await shot(worker, '76-phone-visited')
  })

  await step('the operator sees the visit in the log and the next due day moved', async () => {
    await community.locator('.care-view__refresh').click()
    const row = careRow(community, careId)
    await community.waitForFunction(
      ([id, due]) => document.querySelector(`.care-view__table tr:has(.care-view__person[data-care-id="${id}"]) .care-view__due`)?.getAttribute('data-due') === due,
      [careId, nextDue],
    )
    const kind = await row.locator('.care-view__status').getAttribute('data-kind')
    if (kind === 'overdue') fail('the visited member is still overdue')
    const last = (await row.locator('.care-view__last').textContent()).trim()
    if (last !== today) fail(`the last visit shows ${last}, not ${today}`)
    await row.locator('.care-view__visits').click()
    const drawer = community.locator('.care-visits')
    await drawer.locator('.care-visits__findings', { hasText: findings }).waitFor()
    const line = (await drawer.locator('.care-visits__table .el-table__body-wrapper tr').first().textContent()).replace(/\s+/g, ' ')
    for (const want of [today, '电话询问', '需跟进']) if (!line.includes(want)) fail(`the visit log's row "${line}" lacks ${want}`)
    const rowsShown = await drawer.locator('.care-visits__table .el-table__body-wrapper tr').count()
    if (rowsShown !== 1) fail(`the visit log lists ${rowsShown} visits, not 1 (a retry recorded it twice?)`)
    const visitors = await drawer.locator('.care-visits__table .el-table__body-wrapper tr').first().locator('td').nth(2).textContent()
    if (!visitors.trim()) fail('the visit log names no visitor')
    await community.waitForTimeout(400)
    await shot(community, '77-care-visits')
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })
  })

  await step('历史 lists 记录走访 and 纳入关爱对象', async () => {
    await careRow(community, careId).locator('.care-view__history').click()
    const drawer = community.locator('.record-history')
    await drawer.locator('.record-history__action[data-action="care.visit"]').waitFor()
    const actions = await drawer.locator('.record-history__action').evaluateAll((els) => els.map((e) => `${e.dataset.action}:${e.textContent.trim()}`))
    if (actions[0] !== 'care.visit:记录走访' || !actions.includes('care.join:纳入关爱对象')) fail(`the history lists ${actions.join(', ')}`)
    await community.waitForTimeout(400)
    await shot(community, '78-care-history')
  })

  await checkPagesClean()
}

await runTest('care', { timeoutMs: 180_000 }, run)
