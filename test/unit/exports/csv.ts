// An RFC 4180 reader for the export tests: CRLF records, quoted fields with doubled quotes. It records whether each
// field was quoted, so that a test can tell an empty field (null) from "" (an empty text).
export interface CsvField {
  text: string;
  quoted: boolean;
}

export function parseCsvFields(text: string): CsvField[][] {
  const records: CsvField[][] = [];
  let fields: CsvField[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else field += c;
    } else if (c === '"') {
      inQuotes = true;
      quoted = true;
    } else if (c === ',') {
      fields.push({ text: field, quoted });
      field = '';
      quoted = false;
    } else if (c === '\r' && text[i + 1] === '\n') {
      fields.push({ text: field, quoted });
      records.push(fields);
      fields = [];
      field = '';
      quoted = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`A bare line break at character ${i}: records must end with CRLF.`);
    } else field += c;
  }
  if (field !== '' || fields.length > 0) throw new Error('The file does not end with CRLF.');
  return records;
}

export function parseCsv(text: string): string[][] {
  return parseCsvFields(text).map((r) => r.map((f) => f.text));
}
