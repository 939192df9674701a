// How commands print: `--json` for machines (stable keys, one JSON document on stdout),
// aligned columns for people.

/**
 * `ambassador member list | head`: when the reader closes the pipe, stop quietly (as Unix
 * tools do) instead of crashing with an unhandled EPIPE. Other stdout errors still surface.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout, exit: (code: number) => void = process.exit): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      exit(0);
      return;
    }
    throw error;
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

export function printTable<T>(rows: T[], columns: Column<T>[], empty = '(none)'): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.min(60, Math.max(column.header.length, ...cells.map((line) => line[index]!.length))),
  );
  const render = (values: string[]) =>
    values
      .map((value, index) => {
        const text = value.length > widths[index]! ? `${value.slice(0, widths[index]! - 1)}…` : value;
        return columns[index]!.align === 'right' ? text.padStart(widths[index]!) : text.padEnd(widths[index]!);
      })
      .join('  ')
      .trimEnd();
  process.stdout.write(`${render(columns.map((column) => column.header))}\n`);
  for (const line of cells) process.stdout.write(`${render(line)}\n`);
}

function oneLine(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return String(value).replace(/\s+/g, ' ');
}

export function printLines(lines: string[]): void {
  for (const line of lines) process.stdout.write(`${line}\n`);
}
