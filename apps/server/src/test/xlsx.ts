import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';

/** Every cell of every sheet of an XLSX answer, as text in reading order (for tests of exports). */
export async function xlsxCells(res: LightMyRequestResponse): Promise<string[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const sheet of book.worksheets) {
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(String(cell.value));
      });
    });
  }
  return cells;
}
