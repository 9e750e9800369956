import { StackmeterError } from '../../shared/result.ts';

/** One record of a CSV file. */
export interface CsvRow {
  /** The line it starts on (1-based); a quoted field with line breaks makes a record span several lines. */
  line: number;
  /** Its place among the records (1-based): the row number a spreadsheet shows. */
  row: number;
  cells: string[];
}

/**
 * Reads CSV as RFC 4180 describes and as spreadsheets write it: an optional UTF-8 byte order mark, CRLF or LF line
 * ends, fields quoted with doubled quotes inside. The delimiter is a comma, or a semicolon when the first line holds
 * semicolons and no comma (what Excel writes where the decimal separator is a comma). A quote only opens a quoted
 * field at the start of a field; elsewhere it is an ordinary character. BAD_INPUT naming `fileName` and the line when
 * a quoted field is never closed.
 */
export function readCsv(text: string, fileName: string): { rows: CsvRow[]; delimiter: ',' | ';' } {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstLine = body.slice(0, body.search(/\r|\n|$/));
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && body[i + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      fieldStart = true;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: rowLine, row: rows.length + 1, cells });
      cells = [];
      cell = '';
      fieldStart = true;
      line++;
      rowLine = line;
    } else {
      cell += ch;
      fieldStart = false;
    }
  }
  if (quoted) {
    throw new StackmeterError('BAD_INPUT',
      `${fileName}: line ${rowLine}: a quoted field starts here and is never closed.`);
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, row: rows.length + 1, cells });
  }
  return { rows, delimiter };
}
