/**
 * JSON.parse with a syntax error located for people: `line 4, column 3`, the line and a caret.
 * Node's messages give a character position at best (often only the offending text).
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = firstErrorOffset(text);
    const lines = text.slice(0, offset).split("\n");
    const line = lines.length;
    const column = lines[lines.length - 1].length + 1;
    const shown = text.split("\n")[line - 1] ?? "";
    throw new Error(
      `${file}: line ${line}, column ${column}: not valid JSON (${(e as Error).message})\n` +
        `  ${shown.slice(0, 200)}\n  ${" ".repeat(Math.min(column - 1, 200))}^`,
    );
  }
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null/y;
const MAX_DEPTH = 512;

/** Where JSON.parse stopped reading `text`: the offset of the first character that is not valid JSON there. */
function firstErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expect = (char: string) => {
    space();
    if (text[i] !== char) throw i;
    i++;
  };
  const string = () => {
    if (text[i] !== '"') throw i;
    for (i++; i < text.length; i++) {
      if (text[i] === '"') return void i++;
      if (text[i] === "\\") i++;
      else if (text[i] < " ") throw i;
    }
    throw i;
  };
  const items = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      expect(",");
    }
  };
  const value = (depth: number): void => {
    space();
    if (depth > MAX_DEPTH) throw i;
    if (text[i] === "{") {
      items("}", () => {
        space();
        string();
        expect(":");
        value(depth + 1);
      });
    } else if (text[i] === "[") {
      items("]", () => value(depth + 1));
    } else if (text[i] === '"') {
      string();
    } else {
      LITERAL.lastIndex = i;
      const literal = LITERAL.exec(text);
      if (!literal) throw i;
      i += literal[0].length;
    }
  };
  try {
    value(0);
    space();
    return i;
  } catch (at) {
    if (typeof at === "number") return at;
    throw at;
  }
}
