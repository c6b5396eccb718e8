//! Spreadsheets in and out, for the registry's import and export: reading an .xlsx workbook or
//! a CSV file (UTF-8 or GBK) into rows of text, and writing rows as .xlsx (with drop-down lists
//! and text columns) or CSV (UTF-8 with a byte-order mark, which Excel on a Chinese Windows
//! opens without mojibake).
//!
//! A spreadsheet is hostile input. Formulas are never evaluated: a cell holding one is marked,
//! and the importer rejects its row. A workbook with macros is refused whole. A workbook is a
//! zip archive, so its declared unpacked sizes are checked before anything is unpacked (the
//! zip reader stops at the declared size, so a lying header only truncates). Rows beyond
//! [`MAX_ROWS`] and files beyond [`MAX_UPLOAD_BYTES`] are refused.

use crate::{AppError, ErrorKind};
use calamine::{DataRef, Reader, Xlsx};
use std::io::Cursor;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Columns beyond this are ignored (no template has nearly as many).
const MAX_COLUMNS: usize = 64;
/// The most a workbook may unpack to, all parts together.
const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// A part that unpacks to more than a MiB must not be more than this many times its packed size:
/// real worksheets compress about ten to one, a zip bomb by a thousand or more.
const MAX_RATIO: u64 = 100;

/// How a CSV file's bytes are to be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 if the bytes are valid UTF-8, GBK (GB 18030) otherwise.
    #[default]
    Auto,
    Utf8,
    Gbk,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" => Some(Encoding::Gbk),
            _ => None,
        }
    }
}

/// What a cell held, when it is not plain text the importer can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A formula (never evaluated).
    Formula,
    /// A number too long for Excel to hold exactly (an ID number typed as a number).
    RoundedNumber,
    /// A date or time value.
    Date,
    /// An error value such as `#REF!`.
    ErrorValue,
    /// Replacement characters: text decoded with the wrong encoding somewhere along the way.
    Mojibake,
}

impl Problem {
    /// The field error code and message a row gets for it.
    pub fn code(self) -> (&'static str, &'static str) {
        match self {
            Problem::Formula => (
                "formula_not_allowed",
                "the cell holds a formula; formulas are not evaluated, enter the value itself",
            ),
            Problem::RoundedNumber => (
                "number_rounded",
                "the cell holds a number Excel has rounded; format the column as text and enter it again",
            ),
            Problem::Date => ("unexpected_date", "the cell holds a date; enter text"),
            Problem::ErrorValue => ("cell_error", "the cell holds an error value"),
            Problem::Mojibake => (
                "mojibake",
                "the text is garbled (saved with the wrong encoding); save the file as UTF-8 or GBK and enter it again",
            ),
        }
    }
}

/// One cell: its text (trimmed; empty for an empty cell) or what was wrong with it.
pub type Cell = Result<String, Problem>;

/// One data row and the line it is on (1-based, as Excel and text editors count).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell of column `i`, empty if the row is shorter.
    pub fn get(&self, i: usize) -> Cell {
        self.cells.get(i).cloned().unwrap_or_else(|| Ok(String::new()))
    }
}

/// A sheet read: the header row's texts and the data rows (blank rows left out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

fn unreadable(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::bad_request(code, message)
}

fn too_large(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::PayloadTooLarge, code, message)
}

/// Reads an upload: an .xlsx workbook (its first sheet) or a CSV file.
pub fn read(bytes: &[u8], encoding: Encoding) -> Result<Table, AppError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large(
            "import_too_large",
            format!("uploads are limited to {} MiB", MAX_UPLOAD_BYTES / 1024 / 1024),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE file: a legacy .xls workbook, or an .xlsx protected by a password.
        Err(AppError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_format",
            "legacy .xls workbooks and password-protected files are not read; save as .xlsx (without a password) or CSV",
        ))
    } else {
        read_csv(bytes, encoding)
    }
}

/// Refuses a workbook with macros, or one that would unpack to too much.
fn check_archive(bytes: &[u8]) -> Result<(), AppError> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| unreadable("invalid_xlsx", "the file is not a readable .xlsx workbook"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Some(Ok(name)) = zip.name_for_index(i) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if lower.contains("vbaproject") || lower.ends_with(".bin") && lower.contains("macro") {
            return Err(unreadable(
                "macros_not_allowed",
                "the workbook contains macros; save it as a plain .xlsx workbook",
            ));
        }
    }
    let mut zip = zip;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|_| unreadable("invalid_xlsx", "the file is not a readable .xlsx workbook"))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > MAX_UNPACKED || size > 1024 * 1024 && size / packed > MAX_RATIO {
            return Err(too_large(
                "unpacked_too_large",
                "the workbook unpacks to far more than its size (a zip bomb?)",
            ));
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, AppError> {
    check_archive(bytes)?;
    let bad = |_| unreadable("invalid_xlsx", "the file is not a readable .xlsx workbook");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Ok(Table::default());
    };
    let mut cells = book.worksheet_cells_reader(&first).map_err(bad)?;
    let mut grid: Vec<Vec<Cell>> = Vec::new();
    while let Some(c) = cells.next_cell_with_formula_metadata().map_err(bad)? {
        let (row, col) = (c.pos.0 as usize, c.pos.1 as usize);
        if col >= MAX_COLUMNS {
            continue;
        }
        if row > MAX_ROWS {
            return Err(too_many_rows());
        }
        let cell = if c.formula.is_some() {
            Err(Problem::Formula)
        } else {
            xlsx_text(&c.value)
        };
        if cell.as_ref().is_ok_and(String::is_empty) {
            continue;
        }
        if grid.len() <= row {
            grid.resize_with(row + 1, Vec::new);
        }
        let r = &mut grid[row];
        if r.len() <= col {
            r.resize_with(col + 1, || Ok(String::new()));
        }
        r[col] = cell;
    }
    let mut rows = grid.into_iter().enumerate();
    let headers = rows
        .next()
        .map(|(_, r)| r.into_iter().map(|c| c.unwrap_or_default()).collect())
        .unwrap_or_default();
    let rows = rows
        .filter(|(_, cells)| !cells.is_empty())
        .map(|(i, cells)| Row { line: i + 1, cells })
        .collect();
    Ok(Table { headers, rows })
}

fn too_many_rows() -> AppError {
    too_large(
        "too_many_rows",
        format!("a file may hold at most {MAX_ROWS} rows; split it"),
    )
}

/// A cell's value as text. Whole numbers print without a decimal point (a phone number typed
/// as a number is still the phone number), unless Excel has already rounded them.
fn xlsx_text(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Ok(String::new()),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Int(i) => Ok(i.to_string()),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(format!("{f:.0}")),
        DataRef::Float(f) if f.fract() == 0.0 => Err(Problem::RoundedNumber),
        DataRef::Float(f) => Ok(f.to_string()),
        DataRef::Bool(b) => Ok(b.to_string()),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => Err(Problem::Date),
        DataRef::Error(_) => Err(Problem::ErrorValue),
    }
}

/// Text as a cell: trimmed; garbled text marked.
fn text(s: &str) -> Cell {
    let t = s.trim();
    // U+FFFD is what a decoder puts for bytes it cannot read; 锟斤拷 is what U+FFFD itself turns
    // into when its UTF-8 bytes are read as GBK and saved again.
    if t.contains('\u{FFFD}') || t.contains("锟斤拷") {
        return Err(Problem::Mojibake);
    }
    Ok(t.to_owned())
}

/// Decodes a CSV file's bytes.
fn decode(bytes: &[u8], encoding: Encoding) -> Result<String, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(bytes);
    let not = |what: &str| {
        unreadable(
            "bad_encoding",
            format!("the file is not {what}; save it as UTF-8 or GBK and choose that encoding"),
        )
    };
    match (encoding, utf8) {
        (Encoding::Utf8 | Encoding::Auto, Ok(s)) => Ok(s.to_owned()),
        (Encoding::Utf8, Err(_)) => Err(not("UTF-8 text")),
        // Chinese GBK text is almost never valid UTF-8 as well; when a file said to be GBK is,
        // reading it as GBK would turn every character into two wrong ones.
        (Encoding::Gbk, Ok(s)) if !s.is_ascii() => Err(not("GBK text (it reads as UTF-8)")),
        (Encoding::Gbk | Encoding::Auto, _) => {
            // No byte-order-mark sniffing: bytes that start like UTF-16 are not GBK either.
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|s| s.into_owned())
                .ok_or_else(|| not("UTF-8 or GBK text"))
        }
    }
}

fn read_csv(bytes: &[u8], encoding: Encoding) -> Result<Table, AppError> {
    let s = decode(bytes, encoding)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(s.as_bytes());
    let mut table = Table::default();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| unreadable("invalid_csv", format!("cannot read line {}: {e}", i + 1)))?;
        let line = rec.position().map_or(i + 1, |p| line_of(s.as_bytes(), p));
        let cells: Vec<Cell> = rec.iter().take(MAX_COLUMNS).map(csv_text).collect();
        if i == 0 {
            table.headers = cells.into_iter().map(|c| c.unwrap_or_default()).collect();
            continue;
        }
        if cells.iter().all(|c| c.as_ref().is_ok_and(String::is_empty)) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        table.rows.push(Row { line, cells });
    }
    Ok(table)
}

/// The line a record is on. The reader's position is where it started reading the record, which
/// is before any blank lines it skipped.
fn line_of(text: &[u8], p: &csv::Position) -> usize {
    let (mut line, mut at) = (p.line() as usize, p.byte() as usize);
    while let Some(rest) = text.get(at..) {
        let skip = if rest.starts_with(b"\r\n") {
            2
        } else if rest.starts_with(b"\n") || rest.starts_with(b"\r") {
            1
        } else {
            break;
        };
        line += 1;
        at += skip;
    }
    line
}

/// A CSV field as a cell: one starting with `=` is a formula to Excel, so it is refused like a
/// formula in a workbook.
fn csv_text(s: &str) -> Cell {
    if s.trim_start().starts_with('=') {
        return Err(Problem::Formula);
    }
    text(s)
}

/// A column of a sheet written.
#[derive(Clone, Debug)]
pub struct Column {
    pub label: String,
    /// Width in characters.
    pub width: f64,
    /// Held as text, so Excel neither rounds long numbers nor drops leading zeros.
    pub text: bool,
    /// The values a drop-down list offers.
    pub choices: Option<Vec<String>>,
    /// A hint shown when the cell is selected.
    pub hint: Option<String>,
}

impl Column {
    pub fn new(label: impl Into<String>, width: f64) -> Column {
        Column {
            label: label.into(),
            width,
            text: false,
            choices: None,
            hint: None,
        }
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(ErrorKind::Internal, "export_failed", e.to_string())
}

/// Writes one sheet named `name`: a bold frozen header row and the rows, every value as text.
/// A column with choices gets a drop-down list over the template's first `list_rows` rows; the
/// choices live on a hidden sheet, so a list may be longer than Excel's 255-character limit on
/// lists written inline.
pub fn xlsx(
    name: &str,
    columns: &[Column],
    rows: &[Vec<String>],
    list_rows: u32,
) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#F2F2F2");
    let as_text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(xlsx_error)?;
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, col.width).map_err(xlsx_error)?;
        if col.text {
            sheet.set_column_format(c, &as_text).map_err(xlsx_error)?;
        }
        sheet
            .write_string_with_format(0, c, &col.label, &bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet
                    .write_string((r + 1) as u32, c as u16, v)
                    .map_err(xlsx_error)?;
            }
        }
    }
    let listed: Vec<(usize, &Column)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.choices.is_some() || c.hint.is_some())
        .collect();
    if listed.is_empty() || list_rows == 0 {
        return book.save_to_buffer().map_err(xlsx_error);
    }
    let mut validations = Vec::new();
    for (i, (c, col)) in listed.iter().enumerate() {
        let mut v = DataValidation::new();
        if let Some(choices) = &col.choices {
            // Column i of the hidden sheet "lists" holds this column's choices.
            let letter = rust_xlsxwriter::utility::column_number_to_name(i as u16);
            let n = choices.len().max(1);
            v = v
                .allow_list_formula(Formula::new(format!("=lists!${letter}$1:${letter}${n}")))
                .set_error_title("请从下拉列表中选择")
                .map_err(xlsx_error)?
                .set_error_message(format!("{}：请从下拉列表中选择", col.label))
                .map_err(xlsx_error)?;
        } else {
            v = v.allow_any_value();
        }
        if let Some(hint) = &col.hint {
            v = v.set_input_message(hint.clone()).map_err(xlsx_error)?;
        }
        validations.push((*c as u16, v));
    }
    let sheet = book.worksheet_from_index(0).map_err(xlsx_error)?;
    for (c, v) in &validations {
        sheet
            .add_data_validation(1, *c, list_rows, *c, v)
            .map_err(xlsx_error)?;
    }
    let lists = book.add_worksheet();
    lists.set_name("lists").map_err(xlsx_error)?;
    for (i, (_, col)) in listed.iter().enumerate() {
        for (r, choice) in col.choices.iter().flatten().enumerate() {
            lists
                .write_string(r as u32, i as u16, choice)
                .map_err(xlsx_error)?;
        }
    }
    lists.set_hidden(true);
    book.save_to_buffer().map_err(xlsx_error)
}

/// Writes rows as CSV: UTF-8 with a byte-order mark. A value Excel would take for a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading
/// apostrophe, so opening an export never runs what someone typed into a note.
pub fn csv(columns: &[Column], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let err = |e: csv::Error| AppError::new(ErrorKind::Internal, "export_failed", e.to_string());
        w.write_record(columns.iter().map(|c| c.label.as_str()))
            .map_err(err)?;
        for row in rows {
            w.write_record(row.iter().map(|v| defuse(v).into_owned()))
                .map_err(err)?;
        }
        w.flush()
            .map_err(|e| AppError::new(ErrorKind::Internal, "export_failed", e.to_string()))?;
    }
    Ok(out)
}

fn defuse(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn texts(t: &Table) -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.clone().unwrap_or_else(|p| format!("!{p:?}")))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_written_workbook_reads_back_with_its_lines() {
        let mut cols = vec![Column::new("姓名", 10.0), Column::new("公民身份号码", 20.0)];
        cols[1].text = true;
        cols[0].choices = Some(vec!["甲".into(), "乙".into()]);
        let rows = vec![
            vec!["王秀兰".into(), "370105195603080028".into()],
            vec![String::new(), String::new()],
            vec!["李四".into(), String::new()],
        ];
        let bytes = xlsx("人口信息", &cols, &rows, 100).unwrap();
        let t = read(&bytes, Encoding::Auto).unwrap();
        assert_eq!(t.headers, vec!["姓名", "公民身份号码"]);
        assert_eq!(
            texts(&t),
            vec![vec!["王秀兰", "370105195603080028"], vec!["李四"]]
        );
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn csv_in_utf8_with_a_bom_or_in_gbk_reads_the_same() {
        let text = "姓名,电话\n王秀兰,13800138000\n\n李四, 0531-88886666 \n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let a = read(&with_bom, Encoding::Auto).unwrap();
        let b = read(&gbk, Encoding::Auto).unwrap();
        let c = read(&gbk, Encoding::Gbk).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.headers, vec!["姓名", "电话"]);
        assert_eq!(
            texts(&a),
            vec![vec!["王秀兰", "13800138000"], vec!["李四", "0531-88886666"]]
        );
        assert_eq!(a.rows[1].line, 4);
    }

    #[test]
    fn a_mislabelled_encoding_is_refused_not_garbled() {
        let text = "姓名\n王秀兰\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let e = read(&gbk, Encoding::Utf8).unwrap_err();
        assert_eq!(e.code, "bad_encoding");
        let e = read(text.as_bytes(), Encoding::Gbk).unwrap_err();
        assert_eq!(e.code, "bad_encoding");
        // Bytes that are neither.
        let e = read(b"\xFF\xFE\x00a\n\x81", Encoding::Auto).unwrap_err();
        assert_eq!(e.code, "bad_encoding");
    }

    #[test]
    fn garbled_text_formulas_and_rounded_numbers_are_marked_per_cell() {
        let t = read("a,b,c\n王�,=1+1,锟斤拷\n".as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(
            t.rows[0].cells,
            vec![
                Err(Problem::Mojibake),
                Err(Problem::Formula),
                Err(Problem::Mojibake)
            ]
        );
        assert_eq!(
            xlsx_text(&DataRef::Float(13800138000.0)),
            Ok("13800138000".into())
        );
        assert_eq!(
            xlsx_text(&DataRef::Float(3.70105195603080e17)),
            Err(Problem::RoundedNumber)
        );
    }

    #[test]
    fn a_workbook_formula_is_marked_not_evaluated() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let s = book.add_worksheet();
        s.write_string(0, 0, "姓名").unwrap();
        s.write_formula(1, 0, "=CONCAT(\"王\",\"五\")").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read(&bytes, Encoding::Auto).unwrap();
        assert_eq!(t.rows[0].cells, vec![Err(Problem::Formula)]);
    }

    #[test]
    fn a_zip_bomb_and_a_macro_workbook_are_refused_before_unpacking() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let zeros = vec![0u8; 1024 * 1024];
            for _ in 0..16 {
                z.write_all(&zeros).unwrap();
            }
            z.finish().unwrap();
        }
        let e = read(buf.get_ref(), Encoding::Auto).unwrap_err();
        assert_eq!(e.code, "unpacked_too_large");

        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("xl/vbaProject.bin", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"macro").unwrap();
            z.finish().unwrap();
        }
        let e = read(buf.get_ref(), Encoding::Auto).unwrap_err();
        assert_eq!(e.code, "macros_not_allowed");
        assert_eq!(
            read(b"PK\x03\x04garbage", Encoding::Auto).unwrap_err().code,
            "invalid_xlsx"
        );
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], Encoding::Auto)
                .unwrap_err()
                .code,
            "unsupported_format"
        );
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut s = String::from("a\n");
        for i in 0..=MAX_ROWS {
            s.push_str(&format!("{i}\n"));
        }
        assert_eq!(
            read(s.as_bytes(), Encoding::Auto).unwrap_err().code,
            "too_many_rows"
        );
    }

    #[test]
    fn csv_exports_defuse_formulas() {
        let out = csv(
            &[Column::new("备注", 10.0)],
            &[vec!["=HYPERLINK(\"x\")".into()], vec!["ok".into()]],
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with('\u{feff}'));
        assert!(s.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{s}");
        assert!(s.ends_with("ok\n"));
    }
}
