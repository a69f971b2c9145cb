/**
 * Table keys for instance ids, as DTF's `KeySanitation` escapes them: the characters Azure Table
 * keys forbid (`/ \ # ?` and control characters) and the escape character `^` itself.
 */
const ESCAPES: Record<string, string> = { '^': '^^', '/': '^0', '\\': '^1', '#': '^2', '?': '^3' };
const UNESCAPES: Record<string, string> = { '^': '^', '0': '/', '1': '\\', '2': '#', '3': '?' };
/** Control characters are written as `^` followed by the character shifted by this much. */
const CONTROL_SHIFT = 0x1000;

export function escapePartitionKey(instanceId: string): string {
  let out = '';
  for (const ch of instanceId) {
    const code = ch.charCodeAt(0);
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      out += `^${String.fromCharCode(code + CONTROL_SHIFT)}`;
    else out += ch;
  }
  return out;
}

export function unescapePartitionKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i += 1) {
    const ch = key[i] ?? '';
    if (ch !== '^') {
      out += ch;
      continue;
    }
    i += 1;
    const next = key[i] ?? '';
    const plain = UNESCAPES[next];
    out += plain ?? String.fromCharCode(next.charCodeAt(0) - CONTROL_SHIFT);
  }
  return out;
}
