/**
 * Diagnostics quote text from the input (YAML keys and values, file names). A control
 * character printed raw lets a file forge lines on the terminal (`\r` + `fake.yml:1:1 error …`)
 * or recolour it (ESC); bidi overrides reorder what the reader sees. Every format prints
 * such characters as visible escapes instead: C0, DEL and C1 controls, the line and
 * paragraph separators, and the bidi embedding/override/isolate marks.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** `text` with each unsafe character written as `\n`, `\r`, `\t`, `\e`, `\xHH` or `\u{HHHH}`. Idempotent. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
