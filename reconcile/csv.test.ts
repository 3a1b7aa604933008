import { describe, expect, it } from "vitest";
import { readCsv, UnterminatedQuoteError } from "./csv.ts";

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function all(text: string, size = 3) {
  const out = [];
  for await (const r of readCsv(chunked(text, size))) out.push(r);
  return out;
}

describe("streaming CSV", () => {
  it("reads quotes, escaped quotes, embedded commas and line breaks across chunk borders, with line numbers", async () => {
    const text = '\ufeffa,b,c\r\n1,"x, ""y""",3\r\n"multi\nline",,\n\nlast,"",z';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await all(text, size)).toEqual([
        { line: 1, fields: ["a", "b", "c"] },
        { line: 2, fields: ["1", 'x, "y"', "3"] },
        { line: 3, fields: ["multi\nline", "", ""] },
        { line: 6, fields: ["last", "", "z"] },
      ]);
    }
  });

  it("names the line of a quote left open", async () => {
    await expect(all('a,b\n1,"open\n2,3\n')).rejects.toThrow(UnterminatedQuoteError);
    await expect(all('a,b\n1,"open\n2,3\n')).rejects.toThrow(/line 2/);
  });
});
