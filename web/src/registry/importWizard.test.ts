import { describe, expect, it } from 'vitest'
import { ApiError, dispositionFilename } from '../api/http'
import type { ImportReport } from '../api/types'
import { createAppI18n } from '../i18n'
import {
  MAX_IMPORT_BYTES,
  buildCsv,
  cellErrors,
  commitSubmission,
  csvField,
  fileSizeText,
  hasChanges,
  historyActionLabel,
  historyFieldsText,
  importErrorText,
  importFailureText,
  importFileProblem,
  importQuery,
  isBlankRow,
  lineList,
  nextSubmission,
  rejectedLinesOf,
  rejectedRows,
  rowErrors,
  wizardRows,
  type WizardRow,
} from './importWizard'

function translator(locale: 'zh-CN' | 'en') {
  const { global } = createAppI18n(locale)
  return { t: (key: string, params?: Record<string, unknown>) => global.t(key, params ?? {}), te: (key: string) => global.te(key) }
}
const zh = translator('zh-CN')
const en = translator('en')

const COLUMNS = ['name', 'kind', 'grid', 'id_number', 'phone', 'address', 'note']
const LABELS = ['姓名', '人员类型', '所属网格', '公民身份号码', '联系电话', '现住址', '备注']

function report(rows: ImportReport['rows'], counts: Partial<ImportReport> = {}): ImportReport {
  const rejected = rows.filter((r) => r.errors.length).length
  return {
    columns: COLUMNS,
    labels: LABELS,
    total: rows.length,
    valid: rows.length - rejected,
    created: rows.length - rejected,
    merged: 0,
    rejected,
    rows,
    committed: false,
    ...counts,
  }
}

const good = (line: number, name: string): ImportReport['rows'][number] => ({
  line,
  cells: [name, '户籍人口', '370105001001001', '370105195603080021', '13800138000', '幸福路12号', ''],
  errors: [],
})
const bad = (line: number, name: string, field: string, code: string): ImportReport['rows'][number] => ({
  line,
  cells: [name, '户籍人口', '370105999999999', '370105195603080022', '', '', ''],
  errors: [{ field, code, reason: `server says ${code}` }],
})

/** Parses a CSV as the server's reader does (quoted fields, `\n` lines), with the line each record starts on. */
function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const start = line
    const cells: string[] = []
    for (;;) {
      let cell = ''
      if (text[i] === '"') {
        i += 1
        for (;;) {
          if (text[i] === '"' && text[i + 1] === '"') {
            cell += '"'
            i += 2
          } else if (text[i] === '"') {
            i += 1
            break
          } else {
            if (text[i] === '\n') line += 1
            cell += text[i]
            i += 1
          }
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') cell += text[i++]
      }
      cells.push(cell)
      if (text[i] === ',') {
        i += 1
        continue
      }
      break
    }
    if (text[i] === '\n') {
      i += 1
      line += 1
    }
    out.push({ line: start, cells })
  }
  return out
}

describe('importFileProblem', () => {
  it('takes .xlsx and .csv files up to 64 MiB, whatever the case of the extension', () => {
    expect(importFileProblem({ name: '居民信息.xlsx', size: 10 })).toBeNull()
    expect(importFileProblem({ name: 'PEOPLE.CSV', size: MAX_IMPORT_BYTES })).toBeNull()
  })

  it('refuses other extensions, empty files and files over 64 MiB', () => {
    expect(importFileProblem({ name: '居民信息.xls', size: 10 })).toBe('unsupported_extension')
    expect(importFileProblem({ name: 'people.xlsx.exe', size: 10 })).toBe('unsupported_extension')
    expect(importFileProblem({ name: 'people', size: 10 })).toBe('unsupported_extension')
    expect(importFileProblem({ name: 'a.csv', size: 0 })).toBe('empty')
    expect(importFileProblem({ name: 'a.xlsx', size: MAX_IMPORT_BYTES + 1 })).toBe('too_large')
  })

  it('says sizes in binary units', () => {
    expect(fileSizeText(512)).toBe('512 B')
    expect(fileSizeText(2048)).toBe('2.0 KB')
    expect(fileSizeText(64 * 1024 * 1024)).toBe('64.0 MB')
  })
})

describe('rows of a check', () => {
  it('keeps every row, maps the lines of a rebuilt CSV back and lists only rejected, kept rows', () => {
    const r = report([good(2, '甲'), bad(3, '乙', 'grid', 'region_not_found'), good(4, '丙')])
    const rows = wizardRows(r, new Map([[3, 9]]))
    expect(rows.map((x) => x.line)).toEqual([2, 9, 4])
    expect(rejectedRows(rows).map((x) => x.cells[0])).toEqual(['乙'])
    rows[1]!.removed = true
    expect(rejectedRows(rows)).toEqual([])
  })

  it('copies the cells, so that edits leave the report alone', () => {
    const r = report([bad(3, '乙', 'grid', 'region_not_found')])
    const rows = wizardRows(r)
    rows[0]!.cells[2] = '370105001001002'
    expect(r.rows[0]!.cells[2]).toBe('370105999999999')
  })

  it('sorts errors to their cells, and errors of no column to the row', () => {
    const row: Pick<WizardRow, 'errors'> = {
      errors: [
        { field: 'id_number', code: 'id_check_digit', reason: '' },
        { field: 'grid', code: 'region_not_found', reason: '' },
        { field: 'relation', code: 'unknown_relation', reason: '' },
      ],
    }
    expect(cellErrors(row, 'grid').map((e) => e.code)).toEqual(['region_not_found'])
    expect(cellErrors(row, 'name')).toEqual([])
    expect(rowErrors(row, COLUMNS).map((e) => e.code)).toEqual(['unknown_relation'])
  })

  it('knows a blank row', () => {
    expect(isBlankRow({ cells: ['', ' ', ''] })).toBe(true)
    expect(isBlankRow({ cells: ['', '甲'] })).toBe(false)
  })
})

describe('buildCsv', () => {
  it('quotes every field and doubles quotes', () => {
    expect(csvField('a')).toBe('"a"')
    expect(csvField('')).toBe('""')
    expect(csvField('他说"好",行')).toBe('"他说""好"",行"')
  })

  it('writes the labels, then every kept row (removed and blank ones left out), mapping its lines back', () => {
    const rows = wizardRows(
      report([good(2, '甲'), bad(3, '乙', 'grid', 'region_not_found'), bad(5, '丙', 'id_number', 'id_check_digit'), good(7, '丁')]),
    )
    rows[1]!.cells[2] = '370105001001002'
    rows[1]!.edited = true
    rows[2]!.removed = true
    const csv = buildCsv(LABELS, rows)
    expect(csv.rows).toBe(3)
    const parsed = parseCsv(csv.text)
    expect(parsed[0]!.cells).toEqual(LABELS)
    expect(parsed.slice(1).map((r) => r.cells[0])).toEqual(['甲', '乙', '丁'])
    expect(parsed[2]!.cells[2]).toBe('370105001001002')
    expect(parsed.slice(1).map((r) => csv.lines.get(r.line))).toEqual([2, 3, 7])
    expect(csv.text.startsWith('"姓名","人员类型"')).toBe(true)
    expect(csv.text.endsWith('\n')).toBe(true)
    expect(csv.text).not.toContain('\r')
  })

  it('counts the lines a cell with line breaks spans, as the server numbers them', () => {
    const rows = wizardRows(report([good(2, '甲'), good(3, '乙'), good(4, '丙')]))
    rows[0]!.cells[5] = '幸福路12号\n3单元\n201'
    rows[1]!.cells[6] = 'a\r\nb'
    const csv = buildCsv(LABELS, rows)
    const parsed = parseCsv(csv.text)
    expect(parsed.map((r) => r.line)).toEqual([1, 2, 5, 7])
    expect([...csv.lines.entries()]).toEqual([
      [2, 2],
      [5, 3],
      [7, 4],
    ])
    expect(parsed[1]!.cells[5]).toBe('幸福路12号\n3单元\n201')
  })

  it('pads short rows to the labels', () => {
    const csv = buildCsv(['a', 'b', 'c'], [{ line: 2, cells: ['x'], removed: false }])
    expect(csv.text).toBe('"a","b","c"\n"x","",""\n')
  })
})

describe('what is checked and what is committed', () => {
  const original = new File(['PK…'], '居民信息.xlsx')

  it('checks the user file again while nothing was changed', () => {
    const rows = wizardRows(report([good(2, '甲'), bad(3, '乙', 'grid', 'region_not_found')]))
    expect(hasChanges(rows, false)).toBe(false)
    const next = nextSubmission(original, 'gbk', LABELS, rows, false)
    expect(next.file).toBe(original)
    expect(next.encoding).toBe('gbk')
    expect(next.lines).toBeNull()
  })

  it('sends a rebuilt UTF-8 CSV once a row was edited or removed, or a CSV was checked before', async () => {
    const rows = wizardRows(report([good(2, '甲'), bad(3, '乙', 'grid', 'region_not_found'), bad(4, '丙', 'name', 'required')]))
    rows[1]!.cells[2] = '370105001001001'
    rows[1]!.edited = true
    rows[2]!.removed = true
    const next = nextSubmission(original, 'gbk', LABELS, rows, false)
    expect(next.file.name).toBe('fixed.csv')
    expect(next.encoding).toBe('utf-8')
    expect([...next.lines!.entries()]).toEqual([
      [2, 2],
      [3, 3],
    ])
    const text = await next.file.text()
    expect(parseCsv(text).map((r) => r.cells[0])).toEqual(['姓名', '甲', '乙'])

    const untouched = wizardRows(report([good(2, '甲')]))
    expect(nextSubmission(original, 'auto', LABELS, untouched, true).file.name).toBe('fixed.csv')
  })

  it('keeps naming the lines of the user file through a second rebuild', () => {
    // The first rebuild left line 3 out: the CSV's line 3 is the user's line 4.
    const first = wizardRows(report([good(2, '甲'), bad(3, '乙', 'name', 'required')]), new Map([
      [2, 2],
      [3, 4],
    ]))
    expect(first.map((r) => r.line)).toEqual([2, 4])
    first[1]!.cells[0] = '乙'
    first[1]!.edited = true
    const second = nextSubmission(original, 'auto', LABELS, first, true)
    expect([...second.lines!.values()]).toEqual([2, 4])
  })

  it('commits only what the last check passed: rows to import, none rejected, nothing changed since', () => {
    const checked = { file: original, encoding: 'auto' as const, lines: null }
    const ok = { valid: 12, rejected: 0 }
    expect(commitSubmission(checked, ok, [])).toBe(checked)
    expect(commitSubmission(null, ok, [])).toBeNull()
    expect(commitSubmission(checked, null, [])).toBeNull()
    expect(commitSubmission(checked, { valid: 9, rejected: 3 }, [])).toBeNull()
    expect(commitSubmission(checked, { valid: 0, rejected: 0 }, [])).toBeNull()
    expect(commitSubmission(checked, ok, [{ edited: true, removed: false }])).toBeNull()
    expect(commitSubmission(checked, ok, [{ edited: false, removed: true }])).toBeNull()
  })

  it('asks for every row on a check and commits with the same duplicates choice', () => {
    expect(importQuery({ encoding: 'gbk' }, 'merge', false)).toEqual({ all_rows: true, duplicates: 'merge', encoding: 'gbk' })
    expect(importQuery({ encoding: 'utf-8' }, 'refuse', true)).toEqual({ commit: true, duplicates: 'refuse', encoding: 'utf-8' })
  })
})

describe('messages', () => {
  it('words row errors in Chinese, falling back to the general errors and then to the server', () => {
    const e = (field: string, code: string, reason = 'the server reason') => ({ field, code, reason })
    expect(importErrorText(e('id_number', 'id_check_digit'), zh)).toBe('校验码错误')
    expect(importErrorText(e('id_number', 'id_birth_date'), zh)).toBe('出生日期不合理')
    expect(importErrorText(e('grid', 'region_not_found'), zh)).toBe('网格不存在或不在您的管辖范围')
    expect(importErrorText(e('phone', 'formula_not_allowed'), zh)).toBe('单元格含公式，请填写值本身')
    expect(importErrorText(e('name', 'mojibake'), zh)).toContain('乱码')
    expect(importErrorText(e('name', 'required'), zh)).toBe('必填')
    expect(importErrorText(e('id_number', 'duplicate_id_number'), zh)).toContain('已登记')
    expect(importErrorText(e('address', 'too_long'), zh)).toBe('不能超过 200 个字')
    expect(importErrorText(e('name', 'too_long'), zh)).toBe('不能超过 64 个字')
    expect(importErrorText(e('kind', 'unknown_kind'), zh)).toContain('户籍人口')
    expect(importErrorText(e('phone', 'invalid_phone'), zh)).toContain('电话号码')
    expect(importErrorText(e('relation', 'unknown_relation', 'one of head, spouse'), zh)).toBe('one of head, spouse')
    expect(importErrorText(e('x', 'brand_new', ''), zh)).toBe('brand_new')
    expect(importErrorText(e('id_number', 'id_check_digit'), en)).toBe('Wrong check digit')
  })

  it('names the first line of a repeated number in the user file', () => {
    const dup = { field: 'id_number', code: 'duplicate_in_file', reason: 'the same ID number is on line 3' }
    expect(importErrorText(dup, zh)).toBe('文件中重复（与第 3 行的证件号码相同）')
    expect(importErrorText(dup, zh, new Map([[3, 8]]))).toBe('文件中重复（与第 8 行的证件号码相同）')
    expect(importErrorText({ ...dup, reason: '' }, zh)).toBe('文件中重复')
  })

  it('reads the rejected lines of a refused commit, mapped to the user file', () => {
    const error = new ApiError(422, 'import_rejected', '2 rows are rejected; nothing was imported', [
      { field: 'row 4: id_number', code: 'duplicate_id_number', reason: '' },
      { field: 'row 2: grid', code: 'region_not_found', reason: '' },
      { field: 'row 4: phone', code: 'invalid_phone', reason: '' },
    ])
    expect(rejectedLinesOf(error)).toEqual([2, 4])
    expect(rejectedLinesOf(error, new Map([[4, 11]]))).toEqual([2, 11])
    expect(rejectedLinesOf(new ApiError(409, 'stale_version', ''))).toEqual([])
    expect(lineList([1, 2, 3], 2)).toBe('1、2…')
    expect(importFailureText(error, zh, () => 'fallback', new Map([[4, 11]]))).toBe(
      '有 2 行未通过校验（第 2、11 行），未导入任何数据，请重新校验',
    )
  })

  it('words the file-level failures itself and leaves the rest to the page', () => {
    const fallback = () => 'fallback'
    const missing = new ApiError(400, 'missing_columns', 'the first row must name the columns; missing: 人员类型、所属网格 (download the template)')
    expect(importFailureText(missing, zh, fallback)).toBe('缺少必需的列：人员类型、所属网格（请使用导入模板）')
    expect(importFailureText(new ApiError(413, 'too_many_rows', ''), zh, fallback)).toContain('200000')
    expect(importFailureText(new ApiError(415, 'unsupported_format', ''), zh, fallback)).toContain('.xls')
    expect(importFailureText(new ApiError(409, 'stale_version', ''), zh, fallback)).toContain('未导入任何数据')
    expect(importFailureText(new ApiError(409, 'duplicate_id_number', ''), zh, fallback)).toContain('未导入任何数据')
    const encoding = new ApiError(400, 'validation_failed', '', [{ field: 'encoding', code: 'unknown_encoding', reason: '' }])
    expect(importFailureText(encoding, zh, fallback)).toBe('编码无效')
    expect(importFailureText(new ApiError(403, 'forbidden', ''), zh, fallback)).toBe('fallback')
    expect(importFailureText(new Error('boom'), zh, fallback)).toBe('fallback')
  })

  it('has every file-level failure in both languages', async () => {
    const { IMPORT_FAILURES } = await import('./importWizard')
    for (const code of IMPORT_FAILURES) {
      expect(zh.te(`people.import.failures.${code}`), code).toBe(true)
      expect(en.te(`people.import.failures.${code}`), code).toBe(true)
    }
  })
})

describe('history', () => {
  it('names the actions and fields in Chinese, codes for the unknown', () => {
    expect(historyActionLabel('person.create', zh)).toBe('登记')
    expect(historyActionLabel('person.update', zh)).toBe('修改')
    expect(historyActionLabel('person.import', zh)).toBe('导入')
    expect(historyActionLabel('person.reveal', zh)).toBe('查看完整号码')
    expect(historyActionLabel('person.archive', zh)).toBe('person.archive')
    expect(historyFieldsText(['name', 'grid', 'id_number'], zh)).toBe('姓名、所在网格、身份证号')
    expect(historyFieldsText(['phone', 'shoe_size'], zh)).toBe('联系电话、shoe_size')
    expect(historyFieldsText([], zh)).toBe('—')
  })
})

describe('export', () => {
  it('reads the UTF-8 file name of a download', () => {
    const header = "attachment; filename=\"people.xlsx\"; filename*=UTF-8''%E4%BA%BA%E5%8F%A3%E4%BF%A1%E6%81%AF.xlsx"
    expect(dispositionFilename(header)).toBe('人口信息.xlsx')
    expect(dispositionFilename('attachment; filename="people.csv"')).toBe('people.csv')
    expect(dispositionFilename("attachment; filename*=UTF-8''%E4%BA%BA%ZZ; filename=people.csv")).toBe('people.csv')
    expect(dispositionFilename(null)).toBeNull()
    expect(dispositionFilename('inline')).toBeNull()
  })
})
