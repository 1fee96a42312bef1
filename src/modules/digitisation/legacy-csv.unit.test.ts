import { describe, expect, it } from 'vitest';
import { checkHolderIdentifier, CsvFormatError, parseCsvRecords, parseDate, readLegacyCsv } from './legacy-csv.ts';

const TODAY = '2026-12-07';

describe('the legacy CSV', () => {
  it('reads Vietnamese headers with a BOM, semicolons and quoted cells, keeping each row’s first line', () => {
    const csv =
      '\uFEFFTệp;Số định danh;Người được cấp;Tên giấy tờ;Loại giấy tờ;Số;Ký hiệu;Cơ quan ban hành;Ngày ban hành;Có giá trị đến\r\n' +
      'a.png;001089012345;Trần Văn Minh;"Giấy phép; bán lẻ\nrượu";giấy phép;12;GP-SCT;Sở Công Thương;05/03/2015;\r\n' +
      'b.png;0101234567;Công ty Sao Việt;Giấy chứng nhận;;7;;;2016-01-31;31/12/2030\r\n';
    const rows = readLegacyCsv(csv, TODAY);
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows[0]).toMatchObject({
      file: 'a.png',
      holderIdentifier: '001089012345',
      holderName: 'Trần Văn Minh',
      metadata: { documentName: 'Giấy phép; bán lẻ\nrượu', documentType: 'licence', number: '12', issueDate: '2015-03-05', validUntil: null },
      complete: true,
      problems: [],
    });
    // No document type: kept, but not confirmed by the import.
    expect(rows[1]).toMatchObject({ metadata: { documentType: null, issueDate: '2016-01-31', validUntil: '2030-12-31' }, complete: false, problems: [] });
  });

  it('reads English and bilingual headers in any order', () => {
    const rows = readLegacyCsv('Issue date,File / Tệp,Document name,Holder identifier\n2020-02-29,x.pdf,Quyết định,0101234567-001\n', TODAY);
    expect(rows[0]).toMatchObject({ line: 2, file: 'x.pdf', holderIdentifier: '0101234567001', metadata: { issueDate: '2020-02-29' } });
  });

  it('reports an unknown holder and a bad date by field, in both languages, and keeps the other rows', () => {
    const rows = readLegacyCsv(
      'file,holder identifier,document name,issue date,valid until\n' +
        'a.png,999123456789,Giấy phép,01/01/2015,\n' +
        'b.png,001089012345,Giấy phép,31/02/2015,\n' +
        'c.png,12345,Giấy phép,2015-01-01,2014-01-01\n' +
        'd.png,001089012345,Giấy phép,2015-01-01,\n',
      TODAY,
    );
    expect(rows.map((r) => [r.line, r.problems.map((p) => p.field)])).toEqual([
      [2, ['holderIdentifier']],
      [3, ['issueDate']],
      [4, ['holderIdentifier', 'validUntil']],
      [5, []],
    ]);
    expect(rows[1].problems[0].vi).toContain('31/02/2015');
    expect(rows[1].problems[0].en).toContain('not a real date');
  });

  it('refuses a file without the required columns, or with an unknown one', () => {
    expect(() => readLegacyCsv('file,document name\nx.png,a\n', TODAY)).toThrow(CsvFormatError);
    expect(() => readLegacyCsv('file,holder identifier,document name,issue date,colour\n', TODAY)).toThrow(/colour/);
    expect(() => parseCsvRecords('a,"b\n')).toThrow(CsvFormatError);
  });

  it('parses dates and identifiers as written', () => {
    expect([parseDate('5/3/2015'), parseDate('2015-03-05'), parseDate('29/02/2023'), parseDate('2015/03/05')]).toEqual([
      '2015-03-05',
      '2015-03-05',
      null,
      null,
    ]);
    expect(checkHolderIdentifier('001 089 012 345')).toEqual({ identifier: '001089012345' });
    expect('problem' in checkHolderIdentifier('123456789')).toBe(true);
  });
});
