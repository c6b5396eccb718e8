#!/usr/bin/env node
// Deliberation topics (三级议事 › 议题) in Chromium, against a real `gridgov demo`:
//
//   GRIDGOV_BIN=../target/debug/gridgov node deliberation.mjs
//   E2E_BASE_URL=http://127.0.0.1:5193/ node deliberation.mjs   # a server already running
//
// 1. The resident (`resident`, home grid 370105001001001) on the phone opens 议事, 提议题: 楼道照明灯损坏,
//    设施维修, a description and a photo, in their home grid. The topic opens: 征集中, the photo, 0 of
//    the grid's 5 supports. 支持: 1 of 5, and the button is disabled saying they support it already.
//    The 议事 list's 征集中 tab shows the card.
// 2. The grid worker (`gridworker`, who may raise but not support) opens the topic: no 支持 button.
// 3. The community operator (`community`) opens 议事协商 › 议题管理, sees the topic (征集中, 1/5), opens
//    支持门槛设置 (the district's thresholds) and 受理s the topic: 待上会.
// 4. The resident reads the topic again: 待上会, 受理 on its timeline; 消息 has one unread
//    notification about it, which opening marks read.
// Screenshots go to e2e/artifacts/ (90-… onwards); ends with "N passed, N failed".

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

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'
const TITLE = '楼道照明灯损坏'
const delibPhone = (who) => phone(who, { userAgent: PHONE_UA, timezoneId: 'Asia/Shanghai' })

/** A 240×160 PNG drawn by the page (a real image the server can decode), as bytes. */
async function photoBytes(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 240
    c.height = 160
    const g = c.getContext('2d')
    g.fillStyle = '#446'
    g.fillRect(0, 0, 240, 160)
    g.fillStyle = '#fd4'
    g.beginPath()
    g.arc(120, 60, 30, 0, Math.PI * 2)
    g.fill()
    return c.toDataURL('image/png').split(',')[1]
  })
  return Buffer.from(b64, 'base64')
}

async function run() {
  if (!externalServer()) await step('gridgov demo starts', () => startDemo({ cases: 50 }))
  await launchChromium()
  let topicId = null

  const resident = await delibPhone('resident')

  await step('the resident raises 楼道照明灯损坏 with a photo on the phone', async () => {
    await phoneLogIn(resident, 'resident')
    await resident.locator('.m-tab[data-tab="topics"]').click()
    await resident.waitForURL(/\/m\/topics$/)
    await resident.locator('.m-topics__raise').click()
    await resident.waitForURL(/\/m\/topics\/new$/)
    await resident.locator('.m-raise__title input').fill(TITLE)
    await resident.locator('.m-raise__category').click()
    const picker = resident.locator('.m-raise__category-picker')
    await picker.waitFor()
    await resident.waitForTimeout(300)
    await picker.locator('.van-picker__confirm').click()
    const category = await resident.locator('.m-raise__category input').inputValue()
    if (category !== '设施维修') fail(`the category reads "${category}", not 设施维修`)
    await resident.locator('.m-raise__description textarea').fill('3号楼2单元的楼道灯坏了一个多月，晚上老人上下楼看不清，希望尽快修好。')
    const home = resident.locator('.m-raise__area-option[data-level="grid"]')
    if (!(await home.locator('.van-radio__icon--checked').count())) fail('the home grid is not the default area')
    await resident.locator('.m-raise__photos input[type=file]').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: await photoBytes(resident) })
    await resident.locator('.m-photos-picker[data-count="1"]').waitFor()
    await shot(resident, '90-delib-raise')
    await resident.locator('.m-raise__submit').click()
    await resident.waitForURL(/\/m\/topics\/\d+$/)
    topicId = Number(resident.url().split('/').pop())
    log(`raised topic ${topicId}`)
  })

  await step('the topic collects support: 征集中, the photo, 0 → 1 of 5', async () => {
    const page = resident.locator(`.m-topic[data-topic-id="${topicId}"]`)
    await page.locator('.m-topic__title', { hasText: TITLE }).waitFor()
    if ((await page.getAttribute('data-state')) !== 'open') fail(`the topic is ${await page.getAttribute('data-state')}, not open`)
    await page.locator('.m-topic__thumb').first().waitFor()
    const count = (await page.locator('.m-topic__count').textContent()).trim()
    if (!count.startsWith('0 / 5')) fail(`the support count reads "${count}"`)
    const button = resident.locator('.m-topic__support')
    if (await button.isDisabled()) fail('支持 is disabled for a resident of the area')
    await button.click()
    await resident.locator('.m-topic__count[data-supports="1"]').waitFor()
    await resident.locator('.m-topic__why[data-why="already_supported"]').waitFor()
    if (!(await button.isDisabled())) fail('支持 is still enabled after supporting')
    await resident.waitForTimeout(600)
    await shot(resident, '91-delib-topic')
  })

  await step('征集中 lists the topic with its progress', async () => {
    await resident.locator('.m-tab[data-tab="topics"]').click()
    await resident.waitForURL(/\/m\/topics$/)
    const card = resident.locator(`.m-topic-card[data-topic-id="${topicId}"]`)
    await card.waitFor()
    if ((await card.getAttribute('data-state')) !== 'open') fail('the card is not 征集中')
    const text = (await card.textContent()).replace(/\s+/g, ' ')
    for (const want of [TITLE, '征集中', '设施维修', '1 / 5']) if (!text.includes(want)) fail(`the card "${text}" lacks ${want}`)
    await shot(resident, '92-delib-list')
  })

  await step('the grid worker sees the topic but has no 支持 button', async () => {
    const worker = await delibPhone('gridworker')
    await phoneLogIn(worker, 'gridworker')
    await worker.locator('.m-tab[data-tab="topics"]').click()
    await worker.locator(`.m-topic-card[data-topic-id="${topicId}"]`).click()
    await worker.locator('.m-topic__title', { hasText: TITLE }).waitFor()
    if (await worker.locator('.m-topic__support').count()) fail('a grid worker is offered 支持')
    await worker.close()
  })

  const community = await desktop('community', { timezoneId: 'Asia/Shanghai' })

  await step('the community operator finds the topic in 议题管理 and opens 支持门槛设置', async () => {
    await consoleLogIn(community, 'community')
    await openMenu(community, '议事协商', '议题管理')
    await community.waitForURL(/\/deliberation\/topics$/)
    const row = community.locator('.topics-view__table .el-table__body-wrapper tr', { has: community.locator(`.topics-view__title[data-topic-id="${topicId}"]`) })
    await row.waitFor()
    const state = await row.locator('.topics-view__state-tag').getAttribute('data-state')
    if (state !== 'open') fail(`the row is ${state}, not open`)
    await community.locator(`.topics-view__act--accept[data-topic-id="${topicId}"]`).first().waitFor()
    await community.locator('.topics-view__settings').click()
    const dialog = community.locator('.topic-settings-dialog')
    await dialog.waitFor()
    await community.waitForFunction(() => document.querySelector('.topic-settings-dialog__grid input')?.value === '5')
    await community.waitForTimeout(300)
    await shot(community, '93-delib-settings')
    await dialog.locator('.el-dialog__headerbtn').click()
    await dialog.waitFor({ state: 'hidden' })
    await shot(community, '94-delib-console')
  })

  await step('受理: the topic is 待上会', async () => {
    await community.locator(`.topics-view__act--accept[data-topic-id="${topicId}"]`).first().click()
    await community.locator('.el-message-box').waitFor()
    await community.locator('.el-message-box .el-button--primary').click()
    await community.waitForFunction(
      (id) => document.querySelector(`.topics-view__table tr:has(.topics-view__title[data-topic-id="${id}"]) .topics-view__state-tag`)?.getAttribute('data-state') === 'ready',
      topicId,
    )
    await community.locator(`.topics-view__detail[data-topic-id="${topicId}"]`).first().click()
    await community.locator('.topic-drawer__timeline [data-action="accept"]').waitFor()
    await community.waitForTimeout(400)
    await shot(community, '95-delib-drawer')
  })

  await step('the resident sees 待上会 and a notification', async () => {
    await resident.goto(resident.url().replace(/\/m\/.*$/, `/m/topics/${topicId}`))
    const page = resident.locator(`.m-topic[data-topic-id="${topicId}"][data-state="ready"]`)
    await page.waitFor()
    await resident.locator('.m-topic__timeline [data-action="accept"]').waitFor()
    const badge = resident.locator('.m-tab[data-tab="messages"] .van-badge')
    await badge.waitFor()
    if ((await badge.textContent()).trim() !== '1') fail(`the 消息 badge reads ${await badge.textContent()}`)
    await shot(resident, '96-delib-ready')
    await resident.locator('.m-tab[data-tab="messages"]').click()
    const note = resident.locator(`.m-message.is-unread[data-topic-id="${topicId}"][data-action="accept"]`)
    await note.waitFor()
    const text = (await note.textContent()).replace(/\s+/g, ' ')
    if (!text.includes(TITLE) || !text.includes('受理')) fail(`the notification reads "${text}"`)
    await shot(resident, '97-delib-messages')
    await note.click()
    await resident.waitForURL(new RegExp(`/m/topics/${topicId}$`))
    await resident.locator('.m-tab[data-tab="messages"] .van-badge').waitFor({ state: 'detached' })
  })

  await checkPagesClean()
}

await runTest('deliberation', { timeoutMs: 180_000 }, run)
