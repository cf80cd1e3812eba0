/** Byte counts as a person reads them in a finding: exact, with a readable size for big numbers. */

function grouped(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 byte`, `56,648 bytes`, `1.2 MiB (1,234,567 bytes)`. */
export function formatByteCount(n: number): string {
  if (n === 1) return '1 byte';
  if (n < 1024 * 1024) return `${grouped(n)} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${grouped(n)} bytes)`;
}
