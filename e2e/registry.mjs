#!/usr/bin/env node
// The registry's people import, search, reveal, audit and export in Chromium, against a real
// `gridgov demo` server (the "Done when" of issue 5 for people):
//
//   GRIDGOV_BIN=../target/debug/gridgov node registry.mjs
//
// 0. `gridgov sample people` writes a real-looking workbook of 12 residents in grids
//    370105001001001 and …002, three of them with one mistake each (a wrong check digit, 30 Feb as
//    the birth date, the unknown grid 370105999999999).
// 1. A new community operator (`community`, 幸福社区) opens 基础信息 › 人口信息 and downloads the
//    template (the download arrives: an .xlsx).
// 2. 导入: uploads the workbook; the dry run reports exactly the three bad rows, in Chinese, under
//    the cells; 下载错误报告 arrives as a workbook of the three rows with a 错误原因 column.
// 3. In the wizard: corrects the check digit, removes the row with the impossible date, checks
//    again (the unknown grid is still reported, under its line in the original file, although a
//    row above it was removed), changes the grid to 370105001001001, checks again (0 rejected),
//    commits (11 new people) and the table shows them.
// 4. Searches the corrected resident by the whole ID number, reveals it (confirmed; the whole
//    number shows) and opens 历史 (导入, then 查看完整号码).
// 5. `admin` (the account that reads the audit log) finds the reveal (person.reveal) in 审计日志.
// 6. The community exports grid 370105001001001 (the region filter) as Excel and as CSV: both
//    downloads arrive; the CSV starts with a UTF-8 BOM and holds the imported resident with the ID
//    number masked. Then the CSV with whole numbers, after a confirmation naming the audit log.
// Screenshots go to e2e/artifacts/ (50-… onwards); ends with "N passed, N failed".
// The web front end must have been built (web/dist) before the binary was compiled.

import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'
import {
  checkPagesClean,
  consoleLogIn,
  dataDirectory,
  desktop,
  fail,
  GRIDGOV_BIN,
  launchChromium,
  log,
  openMenu,
  runTest,
  shot,
  startDemo,
  step,
  StepError,
} from './harness.mjs'

const GRID = '370105001001001'
const OTHER_GRID = '370105001001002'
const UNKNOWN_GRID = '370105999999999'
const ROWS = 12
const BAD = 3

/** Runs `gridgov sample people …` and resolves with the workbook's path. */
function sampleWorkbook() {
  const dataDir = dataDirectory()
  const out = path.join(dataDir, '居民信息.xlsx')
  const args = ['sample', 'people', '--grid', GRID, '--grid', OTHER_GRID, '--rows', String(ROWS), '--bad', String(BAD), '--out', out]
  return new Promise((resolve, reject) => {
    const child = spawn(GRIDGOV_BIN, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', (error) => reject(new StepError(`cannot run gridgov sample: ${error.message}`)))
    child.on('exit', (code) => {
      if (code === 0 && existsSync(out)) resolve(out)
      else reject(new StepError(`gridgov ${args.join(' ')} exited with ${code}: ${output.trim()}`))
    })
  })
}

/** A console page that keeps the import answers (see recordImports) and accepts downloads. */
async function desktopRecordingImports(who) {
  const page = await desktop(who, { acceptDownloads: true })
  await page.context().addInitScript(recordImports)
  return page
}

/** Clicks `trigger` and resolves with the download it starts, saved under the data directory. */
async function download(page, trigger, what) {
  const started = page.waitForEvent('download', { timeout: 15_000 })
  await trigger()
  let d
  try {
    d = await started
  } catch {
    const messages = await page.locator('.el-message').allTextContents().catch(() => [])
    fail(`${what}: no download arrived${messages.length ? ` (messages: ${messages.join('; ')})` : ''}`)
  }
  const failure = await d.failure()
  if (failure) fail(`${what}: the download failed: ${failure}`)
  const file = path.join(dataDirectory(), `download-${Date.now()}-${d.suggestedFilename()}`)
  await d.saveAs(file)
  const bytes = readFileSync(file)
  if (bytes.length === 0) fail(`${what}: the download ${d.suggestedFilename()} is empty`)
  return { name: d.suggestedFilename(), bytes }
}

/** The text of one member of a zip archive (an .xlsx), read from its central directory. */
function unzip(bytes, member) {
  let end = bytes.length - 22
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end -= 1
  if (end < 0) fail('not a zip archive (no end of central directory)')
  const count = bytes.readUInt16LE(end + 10)
  let at = bytes.readUInt32LE(end + 16)
  for (let i = 0; i < count; i += 1) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) fail('a broken zip central directory')
    const method = bytes.readUInt16LE(at + 10)
    const size = bytes.readUInt32LE(at + 20)
    const nameLength = bytes.readUInt16LE(at + 28)
    const extra = bytes.readUInt16LE(at + 30)
    const comment = bytes.readUInt16LE(at + 32)
    const local = bytes.readUInt32LE(at + 42)
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    if (name === member) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
      const data = bytes.subarray(start, start + size)
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8')
    }
    at += 46 + nameLength + extra + comment
  }
  return null
}

/** Every text of a workbook (its shared strings and inline strings), for looking things up. */
function workbookText(bytes) {
  if (bytes.subarray(0, 4).toString('binary') !== 'PK\x03\x04') fail('the workbook is not an .xlsx (zip) file')
  return `${unzip(bytes, 'xl/sharedStrings.xml') ?? ''}\n${unzip(bytes, 'xl/worksheets/sheet1.xml') ?? ''}`
}

/** GB 11643 check character of the first 17 digits. */
function checkChar(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * weights[i]
  return '10X98765432'[sum % 11]
}

/**
 * Keeps the answers of POST /api/v1/people/import in the page (`window.__imports`). Chromium's
 * inspector does not keep these answers for `response.json()` ("Request content was evicted from
 * inspector cache"), so the page's own fetch hands over a copy.
 */
function recordImports() {
  window.__imports = []
  const original = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const response = await original(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.includes('/api/v1/people/import?')) {
      const entry = { url: new URL(url, location.href).href, status: response.status, body: null }
      window.__imports.push(entry)
      entry.body = await response.clone().text()
    }
    return response
  }
}

/** Runs `trigger`, then waits for the next POST /api/v1/people/import whose query has `flag`; resolves with its JSON. */
async function importAnswer(page, flag, trigger) {
  const before = await page.evaluate(() => window.__imports.length)
  await trigger()
  const handle = await page.waitForFunction(
    ([n, f]) => window.__imports.slice(n).find((e) => e.url.includes(f) && e.body !== null) ?? false,
    [before, flag],
    { timeout: 30_000 },
  )
  const answer = await handle.jsonValue()
  let body = null
  try {
    body = JSON.parse(answer.body)
  } catch {
    fail(`POST ${answer.url} answered ${answer.status} without JSON: ${answer.body.slice(0, 200)}`)
  }
  if (answer.status !== 200) fail(`POST ${answer.url} answered ${answer.status}: ${answer.body.slice(0, 400)}`)
  return { url: new URL(answer.url), body }
}

/** The wizard's listed rows: their line numbers, in order. */
const shownLines = (dialog) => dialog.locator('.record-import__line').evaluateAll((els) => els.map((e) => Number(e.dataset.line)))

/** The wizard's messages under one row's cell. */
const cellMessages = async (dialog, line, column) =>
  (await dialog.locator(`tr:has(.record-import__line[data-line="${line}"]) .record-import__error[data-column="${column}"]`).allTextContents()).map((s) => s.trim())

async function waitIdle(page, selector) {
  await page.waitForFunction(
    (sel) => {
      const mask = document.querySelector(`${sel} .el-loading-mask`)
      return mask === null || getComputedStyle(mask).display === 'none'
    },
    selector,
    { timeout: 30_000 },
  )
}

async function run() {
  const workbook = await step('gridgov sample people writes a workbook with three bad rows', async () => {
    const file = await sampleWorkbook()
    const text = workbookText(readFileSync(file))
    if (!text.includes(UNKNOWN_GRID)) fail(`the sample workbook has no row in ${UNKNOWN_GRID}`)
    return file
  })

  await step('gridgov demo is ready', () => startDemo({ cases: 3000 }))
  await launchChromium()

  const community = await desktopRecordingImports('community')

  await step('community opens 基础信息 › 人口信息', async () => {
    await consoleLogIn(community, 'community')
    await openMenu(community, '基础信息', '人口信息')
    await community.waitForURL(/\/registry\/people$/)
    await community.locator('.people-view__table .el-table__row').first().waitFor()
    await community.waitForTimeout(300)
    await shot(community, '50-people')
  })

  await step('下载模板: the template arrives', async () => {
    const file = await download(community, () => community.locator('.people-view__template').click(), '下载模板')
    if (!file.name.endsWith('.xlsx')) fail(`the template is called ${file.name} (want an .xlsx)`)
    const text = workbookText(file.bytes)
    for (const header of ['姓名', '人员类型', '所属网格', '公民身份号码']) if (!text.includes(header)) fail(`the template has no column ${header}`)
    if (!text.includes(GRID)) fail(`the template's grid list does not offer ${GRID}`)
    log(`template ${file.name}, ${file.bytes.length} bytes`)
  })

  const dialog = community.locator('.people-import')
  const check = await step('导入: the dry run reports every bad row, in Chinese, under its cell', async () => {
    await community.locator('.people-view__import').click()
    await dialog.locator('.record-import__choose').waitFor()
    // A file the server cannot read is refused before it is sent.
    await dialog.locator('.record-import__input').setInputFiles({ name: '居民信息.xls', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from('not a workbook') })
    await dialog.locator('.el-form-item__error', { hasText: '只能导入 .xlsx 或 .csv' }).waitFor()
    if (await dialog.locator('.record-import__start').isEnabled()) fail('校验 is enabled for an .xls file')
    await dialog.locator('.record-import__input').setInputFiles(workbook)
    await dialog.locator('.record-import__file-name', { hasText: '居民信息.xlsx' }).waitFor()
    await community.waitForTimeout(300)
    await shot(community, '51-import-file')
    const { url, body } = await importAnswer(community, 'all_rows=true', () => dialog.locator('.record-import__start').click())
    if (url.searchParams.get('duplicates') !== 'refuse') fail(`the check sent duplicates=${url.searchParams.get('duplicates')}`)
    if (body.total !== ROWS || body.rejected !== BAD || body.valid !== ROWS - BAD) fail(`the check counted ${body.total} rows, ${body.valid} valid, ${body.rejected} rejected (want ${ROWS}, ${ROWS - BAD}, ${BAD})`)
    if (body.rows.length !== ROWS) fail(`the check listed ${body.rows.length} rows (want all ${ROWS})`)
    const rejected = body.rows.filter((r) => r.errors.length)
    const byCode = (code) => {
      const row = rejected.find((r) => r.errors.some((e) => e.code === code))
      if (!row) fail(`no row was rejected with ${code} (codes: ${rejected.flatMap((r) => r.errors.map((e) => e.code)).join(', ')})`)
      return row
    }
    const digit = byCode('id_check_digit')
    const date = byCode('id_birth_date')
    const grid = byCode('region_not_found')
    await waitIdle(community, '.record-import__check-step')
    const lines = await shownLines(dialog)
    const want = rejected.map((r) => r.line)
    if (JSON.stringify(lines) !== JSON.stringify(want)) fail(`the wizard lists lines ${lines.join(', ')} (want the rejected ${want.join(', ')})`)
    const summary = (await dialog.locator('.record-import__summary').first().textContent()).trim()
    if (!summary.includes(`共 ${ROWS} 行`) || !summary.includes(`有误 ${BAD} 行`)) fail(`the summary reads "${summary}"`)
    for (const [row, column, text] of [
      [digit, 'id_number', '校验码错误'],
      [date, 'id_number', '出生日期不合理'],
      [grid, 'grid', '网格不存在或不在您的管辖范围'],
    ]) {
      const messages = await cellMessages(dialog, row.line, column)
      if (!messages.includes(text)) fail(`line ${row.line}'s ${column} says ${JSON.stringify(messages)} (want ${text})`)
    }
    log(`rejected: check digit on line ${digit.line}, birth date on line ${date.line}, unknown grid on line ${grid.line}`)
    await community.waitForTimeout(300)
    await shot(community, '52-import-check')
    return { body, digit, date, grid }
  })

  await step('下载错误报告: the three rows with 错误原因', async () => {
    const file = await download(community, () => dialog.locator('.record-import__error-report').click(), '下载错误报告')
    if (!file.name.endsWith('.xlsx')) fail(`the error report is called ${file.name}`)
    const text = workbookText(file.bytes)
    if (!text.includes('错误原因')) fail('the error report has no 错误原因 column')
    for (const row of [check.digit, check.date, check.grid]) if (!text.includes(row.cells[0])) fail(`the error report lacks ${row.cells[0]} (line ${row.line})`)
    const good = check.body.rows.find((r) => !r.errors.length)
    if (text.includes(good.cells[3])) fail(`the error report holds the good row of ${good.cells[0]}`)
    log(`error report ${file.name}, ${file.bytes.length} bytes`)
  })

  const fixedId = `${check.digit.cells[3].slice(0, 17)}${checkChar(check.digit.cells[3].slice(0, 17))}`
  await step('fixes the check digit, removes the 30 Feb row, checks again: the unknown grid keeps its line', async () => {
    const idInput = dialog.locator(`input[data-line="${check.digit.line}"][data-column="id_number"]`)
    await idInput.fill(fixedId)
    await dialog.locator(`.record-import__remove[data-line="${check.date.line}"]`).click()
    await dialog.locator('.record-import__dirty').waitFor()
    if (await dialog.locator('.record-import__to-commit').isEnabled()) fail('下一步 is enabled with changes not checked')
    await community.waitForTimeout(300)
    await shot(community, '53-import-edited')
    const { url, body } = await importAnswer(community, 'all_rows=true', () => dialog.locator('.record-import__recheck').click())
    if (url.searchParams.get('encoding') !== 'utf-8') fail(`the rebuilt CSV was sent with encoding=${url.searchParams.get('encoding')}`)
    if (body.total !== ROWS - 1 || body.rejected !== 1) fail(`the second check counted ${body.total} rows, ${body.rejected} rejected (want ${ROWS - 1}, 1)`)
    await waitIdle(community, '.record-import__check-step')
    const lines = await shownLines(dialog)
    if (JSON.stringify(lines) !== JSON.stringify([check.grid.line])) fail(`after the second check the wizard lists lines ${lines.join(', ')} (want ${check.grid.line}, the unknown grid's line in the file)`)
    const csvLine = body.rows.find((r) => r.errors.length).line
    log(`the unknown grid is on line ${csvLine} of the rebuilt CSV, shown as line ${check.grid.line} of the workbook${csvLine !== check.grid.line ? ' (mapped)' : ''}`)
  })

  await step('changes the grid, checks again (0 rejected) and commits', async () => {
    await dialog.locator(`input[data-line="${check.grid.line}"][data-column="grid"]`).fill(GRID)
    const { body } = await importAnswer(community, 'all_rows=true', () => dialog.locator('.record-import__recheck').click())
    if (body.rejected !== 0 || body.valid !== ROWS - 1) fail(`the third check counted ${body.valid} valid, ${body.rejected} rejected (want ${ROWS - 1}, 0)`)
    await dialog.locator('.record-import__ok').waitFor()
    if ((await dialog.locator('.record-import__line').count()) !== 0) fail('the wizard still lists rows after a clean check')
    await community.waitForTimeout(300)
    await shot(community, '54-import-clean')
    await dialog.locator('.record-import__to-commit').click()
    await dialog.locator('.record-import__commit').waitFor()
    await community.waitForTimeout(300)
    await shot(community, '55-import-commit')
    const { body: done } = await importAnswer(community, 'commit=true', () => dialog.locator('.record-import__commit').click())
    if (!done.committed || done.created !== ROWS - 1 || done.merged !== 0) fail(`the commit answered ${JSON.stringify({ ...done, rows: undefined })}`)
    const result = (await dialog.locator('.record-import__done').textContent()).trim()
    if (!result.includes(`新增 ${ROWS - 1} 人`)) fail(`the wizard says "${result}" after the commit`)
    await community.waitForTimeout(300)
    await shot(community, '56-import-done')
    await dialog.locator('.record-import__close').click()
    await dialog.waitFor({ state: 'hidden' })
    // The table was reloaded: the newest people are the imported ones.
    await community.locator('.people-view__person', { hasText: check.grid.cells[0] }).first().waitFor()
  })

  const person = await step('searches the corrected resident by the whole ID number and reveals it', async () => {
    await community.locator('input[name=person-id-number]').fill(fixedId)
    const response = community.waitForResponse((r) => r.url().endsWith('/api/v1/people/search') && r.request().method() === 'POST')
    await community.locator('.people-view__search-button').click()
    const answer = await response
    const { items, total } = await answer.json()
    if (total !== 1) fail(`searching ${fixedId} found ${total} people`)
    if (answer.request().url().includes(fixedId)) fail('the ID number went into a URL')
    const row = community.locator('.people-view__table .el-table__row').filter({ hasText: check.digit.cells[0] })
    await row.waitFor()
    const masked = (await row.locator('.people-view__number[data-field="id_number"]').textContent()).trim()
    if (masked === fixedId || !masked.includes('*')) fail(`the list shows the ID number as "${masked}" (want it masked)`)
    await row.locator('.people-view__reveal[data-field="id_number"]').click()
    const box = community.locator('.el-message-box')
    await box.waitFor()
    const question = (await box.textContent()).trim()
    if (!question.includes('审计日志')) fail(`the reveal confirmation says "${question}"`)
    const reveal = community.waitForResponse((r) => /\/api\/v1\/people\/\d+\/reveal$/.test(r.url()))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    if ((await reveal).status() !== 200) fail(`the reveal answered ${(await reveal).status()}`)
    const shown = row.locator('.people-view__number.is-revealed[data-field="id_number"]')
    await shown.waitFor()
    const whole = (await shown.textContent()).trim()
    if (whole !== fixedId) fail(`the revealed number is "${whole}" (want ${fixedId})`)
    await community.waitForTimeout(300)
    await shot(community, '57-people-revealed')
    return { id: items[0].id, name: items[0].name, masked }
  })

  await step('历史 shows the import and the reveal', async () => {
    const row = community.locator('.people-view__table .el-table__row').filter({ hasText: person.name })
    await row.locator('.people-view__history').click()
    const drawer = community.locator('.person-history')
    await drawer.locator('.person-history__action').first().waitFor()
    const actions = await drawer.locator('.person-history__action').evaluateAll((els) => els.map((e) => `${e.dataset.action}=${e.textContent.trim()}`))
    if (JSON.stringify(actions) !== JSON.stringify(['person.reveal=查看完整号码', 'person.import=导入'])) fail(`历史 lists ${actions.join(', ')}`)
    const fields = (await drawer.locator('.person-history__fields').first().textContent()).trim()
    if (fields !== '身份证号') fail(`the reveal's field reads "${fields}" (want 身份证号)`)
    await community.waitForTimeout(300)
    await shot(community, '58-people-history')
    await drawer.locator('.el-drawer__close-btn').click()
    await drawer.waitFor({ state: 'hidden' })
  })

  await step('admin finds the reveal (person.reveal) in 审计日志', async () => {
    const admin = await desktopRecordingImports('admin')
    await consoleLogIn(admin, 'admin')
    await openMenu(admin, '系统管理', '审计日志')
    await admin.waitForURL(/\/system\/audit$/)
    await admin.locator('.audit-view__action-filter').click()
    await admin.locator('.el-select-dropdown__item:visible:has([data-action="person.reveal"])').click()
    const response = admin.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('action=person.reveal'))
    await admin.locator('.audit-view__search-button').click()
    const { items } = await (await response).json()
    const record = items.find((r) => r.entity_id === String(person.id))
    if (!record) fail(`no person.reveal record of person ${person.id} (records: ${items.map((r) => `${r.action} ${r.entity_type} ${r.entity_id}`).join(', ')})`)
    if (JSON.stringify(record).includes(fixedId)) fail('the audit record holds the whole ID number')
    await waitIdle(admin, '.audit-view__table')
    const row = admin.locator('.audit-view__table .el-table__row').filter({ has: admin.locator('.audit-view__action[data-action="person.reveal"]') }).first()
    await row.waitFor()
    const label = (await row.locator('.audit-view__action').textContent()).trim()
    if (label !== '查看完整号码') fail(`person.reveal is shown as "${label}"`)
    await admin.waitForTimeout(300)
    await shot(admin, '59-audit-reveal')
    await admin.context().close()
  })

  await step(`exports grid ${GRID} as Excel and as CSV (BOM, the imported name, the number masked), then with whole numbers`, async () => {
    await community.locator('.people-view__reset').click()
    // The region filter: walk the tree-select down to the grid by its ancestors' names.
    const region = await community.evaluate(async (code) => (await (await fetch(`/api/v1/regions/${code}`)).json()), GRID)
    const names = [...(region.ancestors ?? []).map((a) => a.name), region.name]
    await community.locator('.people-view__search .people-view__region').first().click()
    for (const [i, name] of names.entries()) {
      const node = community.locator('.el-tree-node__content:visible').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first()
      await node.waitFor()
      if (i === names.length - 1) await node.click()
      else if (!(await node.locator('xpath=..').getAttribute('aria-expanded')).includes('true')) await node.locator('.el-tree-node__expand-icon').click()
    }
    const list = community.waitForResponse((r) => r.url().includes('/api/v1/people?') && r.url().includes(`region=${GRID}`))
    await community.locator('.people-view__search-button').click()
    await list
    await community.waitForTimeout(300)
    await shot(community, '60-people-grid')

    const exportAs = async (item, format, { whole = false, menuShot = null } = {}) => {
      const request = community.waitForRequest((r) => r.url().includes('/api/v1/people/export?'))
      const file = await download(
        community,
        async () => {
          await community.locator('.people-view__export-button').click()
          const entry = community.locator(`.people-view__export-${item}:visible`)
          await entry.waitFor()
          if (menuShot) {
            await community.waitForTimeout(300)
            await shot(community, menuShot)
          }
          await entry.click()
          if (whole) {
            // Whole numbers only after a confirmation that says the export is audited.
            const box = community.locator('.el-message-box')
            await box.waitFor()
            const question = (await box.textContent()).trim()
            if (!question.includes('审计日志')) fail(`the whole-number export asks "${question}"`)
            await community.waitForTimeout(200)
            await shot(community, '62-people-export-whole')
            await box.locator('.el-message-box__btns .el-button--primary').click()
          }
        },
        `导出 ${item}`,
      )
      const url = new URL((await request).url())
      if (url.searchParams.get('region') !== GRID || url.searchParams.get('format') !== format || url.searchParams.has('whole_numbers') !== whole) fail(`the export asked for ${url.search}`)
      if (!file.name.endsWith(`.${format}`)) fail(`the ${format} export is called ${file.name}`)
      return file
    }
    const xlsx = await exportAs('xlsx', 'xlsx', { menuShot: '61-people-export-menu' })
    const xlsxText = workbookText(xlsx.bytes)
    if (!xlsxText.includes(check.grid.cells[0])) fail(`the Excel export lacks ${check.grid.cells[0]}, imported into ${GRID}`)

    const csv = await exportAs('csv', 'csv')
    if (csv.bytes[0] !== 0xef || csv.bytes[1] !== 0xbb || csv.bytes[2] !== 0xbf) fail(`the CSV does not start with a UTF-8 BOM (starts ${csv.bytes.subarray(0, 3).toString('hex')})`)
    const text = csv.bytes.subarray(3).toString('utf8')
    const line = text.split(/\r?\n/).find((l) => l.includes(check.grid.cells[0]))
    if (!line) fail(`the CSV lacks ${check.grid.cells[0]}, imported into ${GRID}`)
    const id = check.grid.cells[3]
    if (text.includes(id)) fail('the CSV holds a whole ID number')
    if (!line.includes(`${id.slice(0, 6)}*`) || !line.includes(id.slice(-4))) fail(`the CSV line of ${check.grid.cells[0]} does not hold the masked ID number: ${line}`)
    log(`exports ${xlsx.name} (${xlsx.bytes.length} bytes) and ${csv.name} (${csv.bytes.length} bytes, ${text.split('\n').length - 2} people)`)

    const whole = await exportAs('csv-whole', 'csv', { whole: true })
    if (!whole.bytes.toString('utf8').includes(id)) fail(`the whole-number CSV lacks ${check.grid.cells[0]}'s ID number`)
  })

  await checkPagesClean()
}

await runTest('registry', { timeoutMs: 180_000 }, run)
