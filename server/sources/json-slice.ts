/**
 * The text of the array at a key path in a JSON text (`data.valueRange.values` of a sheet's values
 * answer), found without parsing the whole answer, so a slice of a sheet can be passed on to the
 * import worker as Feishu wrote it instead of being parsed and written again (the two largest costs
 * of reading a big sheet). One forward pass; strings are skipped whole, escapes respected.
 * Returns null when the path is not there (the caller then parses the answer as usual).
 */
export function arrayTextAt(text: string, path: readonly string[]): string | null {
  // The keys leading to each open container; `key` is the last key read in the innermost object.
  const keys: Array<string | null> = []
  const kinds: number[] = []
  let key: string | null = null
  let start = -1
  const n = text.length
  // Only quotes and brackets matter; the regex engine skips numbers, commas and colons natively.
  const structural = /["[\]{}]/g
  for (let m = structural.exec(text); m; m = structural.exec(text)) {
    const i = m.index
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) {
      const end = stringEnd(text, i)
      if (end < 0) return null
      // A string in an object followed by ':' is a key.
      if (kinds[kinds.length - 1] === 123) {
        let j = end + 1
        while (j < n && isSpace(text.charCodeAt(j))) j++
        if (text.charCodeAt(j) === 58 /* : */) key = text.slice(i + 1, end)
      }
      structural.lastIndex = end + 1
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      keys.push(kinds[kinds.length - 1] === 123 ? key : null)
      kinds.push(c)
      key = null
      if (c === 91 && start < 0 && keys.length === path.length + 1 && matches(keys, path)) start = i
    } else {
      kinds.pop()
      keys.pop()
      if (c === 93 && start >= 0 && keys.length === path.length) return text.slice(start, i + 1)
    }
  }
  return null
}

/** The root container has no key; the others must be the path. */
function matches(keys: Array<string | null>, path: readonly string[]): boolean {
  for (let k = 0; k < path.length; k++) if (keys[k + 1] !== path[k]) return false
  return true
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/** The index of the quote closing the string that opens at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1)
  while (j >= 0) {
    let backslashes = 0
    for (let k = j - 1; text.charCodeAt(k) === 92; k--) backslashes++
    if (backslashes % 2 === 0) return j
    j = text.indexOf('"', j + 1)
  }
  return -1
}

/** Two JSON array texts as one. */
export function joinArrayTexts(a: string, b: string): string {
  if (/^\[\s*\]$/.test(a)) return b
  if (/^\[\s*\]$/.test(b)) return a
  return `${a.slice(0, a.lastIndexOf(']'))},${b.slice(b.indexOf('[') + 1)}`
}
