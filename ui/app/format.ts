let currencyCode = "USD";

export function setCurrency(code: string): void {
  currencyCode = code;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(digits: number): Intl.NumberFormat {
  const key = `${currencyCode}/${digits}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, f);
  }
  return f;
}

/** Money: cents from 10 up, four decimals below (a pod's hour costs fractions of a cent). */
export function money(n: number): string {
  return formatter(Math.abs(n) >= 10 ? 2 : 4).format(n);
}

export function pct(n: number, digits = 1): string {
  return `${(n * 100).toFixed(digits)} %`;
}

export function num(n: number, digits = 2): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** "3 min ago", "2 h ago", "5 d ago". */
export function age(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function time(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "—";
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
