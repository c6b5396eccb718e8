#!/usr/bin/env node
// The stairwell story end to end (issue 6), in Chromium against a real `gridgov demo`:
//
//   GRIDGOV_BIN=../target/debug/gridgov node stairwell.mjs
//
// 1. The resident (`resident`, grid 370105001001001) raises 楼道照明灯损坏 on the phone.
// 2. Four neighbours (`neighbour1` … `neighbour4`, same grid) support it on their phones: with the
//    resident's own support that is the grid's 5, and the topic is 待上会.
// 3. The community operator puts it on the agenda of the next 议题半月谈 (the demo's fortnightly
//    series), starts the meeting, checks in three representatives; the resident checks in on the
//    phone. The vote opens; the resident votes 赞成 on the phone, the operator records the other
//    three; closing counts 4 of 6 present (quorum) and 3 for, 1 abstaining: 通过.
// 4. The operator publishes the resolution with no notice period and turns it into a case
//    (楼道照明损坏, at the topic's point): 实施中.
// 5. The grid worker handles the case on the spot on the phone; the community verifies it in the
//    console: the case is closed, the resolution and the topic are 已办结.
// 6. The resident sees the resolution on the topic, rates it 满意 and sees the 满意率.
// Screenshots go to e2e/artifacts/ (s0-… onwards); ends with "N passed, N failed".

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

const TITLE = '楼道照明灯损坏'
const SERIES = '幸福社区第1网格议题半月谈'
const onPhone = (who) => phone(who, { timezoneId: 'Asia/Shanghai' })

/** Calls the API as the page's signed-in user (to learn ids the story then acts on in the UI). */
const api = (page, path) => page.evaluate(async (p) => (await fetch(p)).json(), path)

/** Confirms an Element Plus message box if one opens. */
async function confirmBox(page) {
  const box = page.locator('.el-message-box')
  if (await box.waitFor({ timeout: 2_000 }).then(() => true, () => false)) {
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await box.waitFor({ state: 'hidden' })
  }
}

/** Picks the option `text` of the Element Plus select `select`. */
async function choose(page, select, text) {
  await select.click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click()
}

async function run() {
  const base = externalServer() ?? (await step('gridgov demo starts', () => startDemo({ cases: 50 })))
  await launchChromium()
  let topicId = null
  let meetingId = null
  let proposalId = null
  let resolutionId = null
  let caseId = null

  const resident = await onPhone('resident')
  await step('the resident raises 楼道照明灯损坏 on the phone and supports it', async () => {
    await phoneLogIn(resident, 'resident')
    await resident.goto(`${base}m/topics/new`)
    await resident.locator('.m-raise__title input').fill(TITLE)
    await resident.locator('.m-raise__category').click()
    const picker = resident.locator('.m-raise__category-picker')
    await picker.waitFor()
    await resident.waitForTimeout(300)
    await picker.locator('.van-picker__confirm').click()
    await resident.locator('.m-raise__description textarea').fill('3号楼2单元楼道的灯坏了一个多月，晚上一片漆黑，老人上下楼很危险。')
    await resident.locator('.m-raise__submit').click()
    await resident.waitForURL(/\/m\/topics\/\d+$/)
    topicId = Number(resident.url().split('/').pop())
    await resident.locator('.m-topic__support').click()
    await resident.locator('.m-topic__count[data-supports="1"]').waitFor()
    log(`raised topic ${topicId}`)
    await shot(resident, 's0-raised')
  })

  await step('four neighbours support it on their phones: 待上会', async () => {
    for (const n of [1, 2, 3, 4]) {
      const page = await onPhone(`neighbour${n}`)
      await phoneLogIn(page, `neighbour${n}`)
      await page.goto(`${base}m/topics/${topicId}`)
      await page.locator('.m-topic__support').click()
      await page.locator(`.m-topic__count[data-supports="${n + 1}"]`).waitFor()
      if (n === 4) {
        await page.locator(`.m-topic[data-topic-id="${topicId}"][data-state="ready"]`).waitFor()
        await shot(page, 's1-ready')
      }
      await page.context().close()
    }
  })

  const community = await desktop('community', { timezoneId: 'Asia/Shanghai' })
  await step('the community puts it on the next 议题半月谈 and starts the meeting', async () => {
    await consoleLogIn(community, 'community')
    const planned = await api(community, '/api/v1/meetings?state=planned')
    meetingId = planned.items.find((m) => m.title === SERIES)?.id
    if (!meetingId) fail(`no planned ${SERIES} (the demo's series): ${JSON.stringify(planned.items.map((m) => m.title))}`)
    await openMenu(community, '议事协商', '会议管理')
    await community.waitForURL(/\/deliberation\/meetings$/)
    await community.locator(`.meetings-view__detail[data-meeting-id="${meetingId}"]`).click()
    const drawer = community.locator(`.meeting-drawer__body[data-meeting-id="${meetingId}"]`)
    await drawer.waitFor()
    await community.locator('#tab-agenda').click()
    await community.locator('[data-test="proposal-add"]').click()
    const dialog = community.locator('.meeting-proposal-dialog')
    await dialog.waitFor()
    await choose(community, dialog.locator('.meeting-proposal-dialog__topic'), TITLE)
    await dialog.locator('[data-test="proposal-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const item = community.locator('.meeting-agenda__item', { hasText: TITLE })
    await item.waitFor()
    proposalId = Number(await item.getAttribute('data-proposal-id'))
    await community.locator('[data-test="meeting-start"]').click()
    await confirmBox(community)
    await community.locator('.meeting-drawer__state[data-state="in_session"]').waitFor()
    await shot(community, 's2-agenda')
  })

  await step('three representatives are checked in; the resident checks in on the phone', async () => {
    const detail = await api(community, `/api/v1/meetings/${meetingId}`)
    const byName = (name) => detail.participants.find((p) => p.name === name)?.id
    await community.locator('#tab-participants').click()
    for (const name of ['王建国', '李秀英', '张伟']) {
      const id = byName(name)
      if (!id) fail(`${name} is not a participant of the series`)
      await community.locator(`.meeting-participants__check-in[data-participant-id="${id}"]`).click()
      await community.locator(`.meeting-participants__in[data-participant-id="${id}"]`).waitFor()
    }
    await resident.goto(`${base}m/meetings/${meetingId}`)
    await resident.locator('[data-test="check-in"]').click()
    await resident.locator('[data-test="checked-in"]').waitFor()
    await shot(resident, 's3-checked-in')
  })

  await step('the vote: the resident votes 赞成 on the phone, the operator records three; 通过 with quorum', async () => {
    await community.locator('#tab-agenda').click()
    await community.locator(`.meeting-agenda__open[data-proposal-id="${proposalId}"]`).click()
    await confirmBox(community)
    await community.locator(`.meeting-agenda__record[data-proposal-id="${proposalId}"]`).waitFor()
    await resident.reload()
    await resident.locator('[data-test="ballot-for"]').click()
    await resident.locator('.van-dialog__confirm').click()
    await resident.locator('[data-test="ballot-done"]').waitFor()
    // The dialog stays open for the next ballot, counting those cast (the resident's first, seen
    // after a refresh).
    await community.locator('.meeting-drawer__refresh').click()
    await community.locator(`.meeting-agenda__voting[data-voted="1"]`).waitFor()
    await community.locator(`.meeting-agenda__record[data-proposal-id="${proposalId}"]`).click()
    const dialog = community.locator('.meeting-ballot-dialog')
    await dialog.waitFor()
    for (const [i, [name, choice]] of [['王建国', 'for'], ['李秀英', 'for'], ['张伟', 'abstain']].entries()) {
      await dialog.locator(`.meeting-ballot-dialog__progress[data-voted="${i + 1}"]`).waitFor()
      await choose(community, dialog.locator('.meeting-ballot-dialog__participant'), name)
      await dialog.locator(`[data-test="ballot-choice-${choice}"]`).click()
      await dialog.locator('[data-test="ballot-submit"]').click()
    }
    await dialog.locator('.meeting-ballot-dialog__progress[data-voted="4"]').waitFor()
    await dialog.locator('.el-dialog__headerbtn').click()
    await dialog.waitFor({ state: 'hidden' })
    await community.locator(`.meeting-agenda__close[data-proposal-id="${proposalId}"]`).click()
    await confirmBox(community)
    const result = community.locator(`.meeting-agenda__item[data-proposal-id="${proposalId}"] .meeting-agenda__outcome`)
    await result.waitFor()
    if (!(await result.textContent()).includes('通过')) fail(`the outcome reads ${await result.textContent()}`)
    const p = (await api(community, `/api/v1/meetings/${meetingId}`)).agenda.find((x) => x.id === proposalId)
    if (!(p.passed && p.quorum_met && p.present === 4 && p.for_votes === 3 && p.abstain === 1)) fail(`the vote closed as ${JSON.stringify(p)}`)
    await shot(community, 's4-passed')
  })

  await step('the resolution is published with no notice period and becomes a case: 实施中', async () => {
    await community.locator(`.meeting-agenda__publish[data-proposal-id="${proposalId}"]`).click()
    const dialog = community.locator('.resolution-publish')
    await dialog.waitFor()
    await dialog.locator('[data-test="resolution-text"]').fill('由阳光物业当日更换3号楼2单元楼道声控灯，网格员现场核实，社区验收。涉及夜间出行安全，不设公示期。')
    await dialog.locator('.resolution-publish__days input').fill('0')
    await dialog.locator('[data-test="resolution-publish-save"]').click()
    await dialog.waitFor({ state: 'hidden' })
    resolutionId = (await api(community, `/api/v1/resolutions?topic=${topicId}`)).items[0]?.id
    if (!resolutionId) fail('no resolution listed for the topic')
    // The published resolution opens by itself.
    const drawer = community.locator(`.resolution-drawer__body[data-resolution-id="${resolutionId}"]`)
    await drawer.waitFor()
    await drawer.locator('[data-test="resolution-implement"]').click()
    const implement = community.locator('.resolution-implement')
    await implement.waitFor()
    await implement.locator('[data-test="implement-add-case"]').click()
    // Category: a cascader of group, then category.
    await implement.locator('.resolution-implement__category').first().click()
    await community.locator('.el-cascader-node', { hasText: '市政设施' }).click()
    await community.locator('.el-cascader-node', { hasText: '楼道照明损坏' }).click()
    // The topic was raised without a point: the case is placed in the middle of the grid.
    const [w, south, e, north] = (await api(community, '/api/v1/regions/370105001001001')).bbox
    const coords = implement.locator('.resolution-implement__coord input')
    await coords.nth(0).fill(((w + e) / 2).toFixed(6))
    await coords.nth(1).fill(((south + north) / 2).toFixed(6))
    await shot(community, 's5-implement')
    await implement.locator('[data-test="implement-save"]').click()
    await implement.waitFor({ state: 'hidden' })
    const r = await api(community, `/api/v1/resolutions/${resolutionId}`)
    if (r.resolution.state !== 'implementing' || r.cases.length !== 1) fail(`the resolution is ${JSON.stringify(r.resolution.state)} with ${r.cases.length} cases`)
    caseId = r.cases[0].id
    log(`resolution ${resolutionId} → case ${r.cases[0].case_no}`)
    await shot(community, 's6-implementing')
  })

  await step('the grid worker handles the case on the spot; the community verifies it: 已办结', async () => {
    const worker = await onPhone('gridworker')
    await phoneLogIn(worker, 'gridworker')
    await worker.goto(`${base}m/cases/${caseId}`)
    await worker.locator('.m-case__state[data-state="reported"]').waitFor()
    await worker.locator('.m-case__action[data-action="handle_on_spot"]').click()
    const sheet = worker.locator('.m-action__body')
    await sheet.waitFor()
    await sheet.locator('textarea[name=action-comment]').fill('物业已更换声控灯，现场试灯正常')
    await sheet.locator('.m-action__submit').click()
    await worker.locator('.m-case__state[data-state="handled"]').waitFor()
    await worker.context().close()

    const c = await api(community, `/api/v1/cases/${caseId}`)
    // From the resolution to its case: the link both ways.
    await community.locator(`.resolution-drawer__body[data-resolution-id="${resolutionId}"] a`, { hasText: c.case.case_no }).click()
    await community.waitForURL(/\/cases/)
    await community.locator('.case-detail__action[data-action="verify"]').click()
    const dialog = community.locator('.case-action[data-action="verify"]')
    await dialog.waitFor()
    await dialog.locator('.case-action__submit').click()
    await community.locator('.case-detail__state[data-state="closed"]').waitFor()
    const r = await api(community, `/api/v1/resolutions/${resolutionId}`)
    if (r.resolution.state !== 'completed') fail(`the resolution is ${r.resolution.state} after the case closed`)
    await shot(community, 's7-case-closed')
  })

  await step('the resident follows the resolution on the topic and rates it 满意', async () => {
    await resident.goto(`${base}m/topics/${topicId}`)
    await resident.locator(`.m-topic[data-topic-id="${topicId}"][data-state="completed"]`).waitFor()
    const section = resident.locator('[data-test="resolution"]')
    await section.waitFor()
    const text = (await section.textContent()).replace(/\s+/g, ' ')
    if (!text.includes('已办结')) fail(`the resolution section reads "${text}"`)
    await resident.locator('[data-test="rate-satisfied"]').click()
    await resident.locator('[data-test="rate-submit"]').click()
    await resident.locator('[data-test="my-rating"]').waitFor()
    const pct = (await resident.locator('[data-test="satisfied-percent"]').textContent()).trim()
    if (!pct.includes('100')) fail(`满意率 reads "${pct}"`)
    await shot(resident, 's8-rated')
  })

  await checkPagesClean()
}

await runTest('stairwell', { timeoutMs: 300_000 }, run)
