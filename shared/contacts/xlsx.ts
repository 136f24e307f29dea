/**
 * A table of text cells as an .xlsx workbook (stakeholders.xlsx beside stakeholders.csv), written
 * with write-excel-file's universal build (browser and Node). Every cell is written as a string,
 * so a value such as "=HYPERLINK(…)" stays text: Excel never runs it as a formula.
 * The writer loads on the first export, not with the module (an idle server's memory, issue 11).
 */
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export async function tableToXlsx(cells: readonly (readonly string[])[], sheet = 'Stakeholders'): Promise<Uint8Array> {
  const [header = [], ...rows] = cells
  const data = [
    header.map((value) => ({ value, type: String, fontWeight: 'bold' as const })),
    ...rows.map((row) => row.map((value) => (value === '' ? null : { value, type: String }))),
  ]
  const widths = header.map((_, c) =>
    Math.min(
      50,
      Math.max(8, ...cells.map((row) => [...(row[c] ?? '')].reduce((n, ch) => n + (ch > '\u2e80' ? 2 : 1), 0))),
    ),
  )
  const { default: writeXlsxFile } = await import('write-excel-file/universal')
  const blob = await writeXlsxFile(data, {
    sheet: sheet.slice(0, 31),
    columns: widths.map((width) => ({ width: width + 2 })),
    stickyRowsCount: 1,
  }).toBlob()
  return new Uint8Array(await blob.arrayBuffer())
}
