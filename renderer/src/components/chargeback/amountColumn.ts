import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { UNRATED_TEXT, formatAmount, isNegativeAmount } from '../../format/money.ts';
import { compareDecimalStrings } from '../../format/numbers.ts';

/**
 * A right-aligned money column: exact decimal strings in the currency's minor units, negative amounts (credits,
 * discounts) coloured, sorted exactly; null reads "unrated". The header carries the currency code.
 */
export function amountColumn<T>(colDef: ColDef<T> & { headerName: string }, currency: string, minorUnits?: number):
  ColDef<T> {
  return {
    width: 130,
    type: 'rightAligned',
    cellClass: ['ag-right-aligned-cell', 'num'],
    cellClassRules: {
      'amount-negative': (p) => isNegativeAmount((p.value as string | null | undefined) ?? null),
      'amount-unrated': (p) => p.value === null,
    },
    valueFormatter: (p: ValueFormatterParams<T>) => {
      const value = p.value as string | null | undefined;
      if (value === undefined) return '';
      return value === null ? UNRATED_TEXT : formatAmount(value, minorUnits);
    },
    tooltipValueGetter: (p) => {
      const value = p.value as string | null | undefined;
      return value == null ? '' : `${value} ${currency}`;
    },
    comparator: (a: string | null, b: string | null) =>
      a === null || b === null ? (a === null ? -1 : 0) - (b === null ? -1 : 0) : compareDecimalStrings(a, b),
    ...colDef,
    headerName: `${colDef.headerName} (${currency})`,
  };
}
