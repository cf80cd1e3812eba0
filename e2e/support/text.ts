/** A pattern for a count as a person reads it: `13618`, `13,618`, `13.618` or `13 618`. */
export function countPattern(n: number): RegExp {
  const digits = String(n);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return new RegExp(`(^|[^0-9])${groups.join('[,.\\s\\u00a0\\u202f]?')}([^0-9]|$)`);
}
