// Just enough YAML for FirstSpike's config files: a block-structured reader that turns a config
// into key paths (for the Compare table), and a locator that maps the loader's error messages
// ("<file>: <key path>: <what is wrong>" or "<file>: line N, column M: not valid YAML") to a line
// of the editor. It is not a general YAML parser and never needs to be: the server validates.

function stripComment(s) {
  let q = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i);
    }
  }
  return s;
}

/** Meaningful lines: {no (1-based), indent, text} without comments and blank lines. */
function lines(text) {
  const out = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = stripComment(raw).replace(/\s+$/, '');
    if (!s.trim() || s.trim() === '---') return;
    out.push({ no: i + 1, indent: s.length - s.trimStart().length, text: s.trim() });
  });
  return out;
}

const KEY = /^("[^"]*"|'[^']*'|[^:\s][^:]*?)\s*:(?:\s+(.*)|$)/;

function unquote(s) {
  return /^(".*"|'.*')$/.test(s) ? s.slice(1, -1) : s;
}

function scalar(s) {
  s = s.trim();
  if (s.startsWith('[') || s.startsWith('{')) return s.replace(/\s+/g, ' ').replace(/\s*,\s*/g, ', ');
  return unquote(s);
}

// where (optional): key path -> {line, rest} of every key whose value sits on its own line,
// rest being the value's text (comment and trailing blanks removed), '' for a block value.
function parseBlock(ls, i, indent, path = '', where = null) {
  if (i >= ls.length) return [null, i];
  return ls[i].text === '-' || ls[i].text.startsWith('- ')
    ? parseList(ls, i, indent, path, where) : parseMap(ls, i, indent, path, where);
}

function parseMap(ls, i, indent, path = '', where = null) {
  const obj = {};
  while (i < ls.length && ls[i].indent === indent && !ls[i].text.startsWith('- ') && ls[i].text !== '-') {
    const m = KEY.exec(ls[i].text);
    if (!m) { i++; continue; }
    const key = unquote(m[1]);
    const rest = m[2];
    const at = path ? `${path}.${key}` : key;
    where?.set(at, { line: ls[i].no, rest: rest || '' });
    i++;
    if (rest != null && rest !== '') {
      obj[key] = scalar(rest);
    } else if (i < ls.length && (ls[i].indent > indent
        || (ls[i].indent === indent && (ls[i].text.startsWith('- ') || ls[i].text === '-')))) {
      [obj[key], i] = parseBlock(ls, i, ls[i].indent, at, where);
    } else {
      obj[key] = null;
    }
  }
  return [obj, i];
}

function parseList(ls, i, indent, path = '', where = null) {
  const arr = [];
  while (i < ls.length && ls[i].indent === indent && (ls[i].text.startsWith('- ') || ls[i].text === '-')) {
    const item = ls[i].text === '-' ? '' : ls[i].text.slice(2).trimStart();
    const offset = ls[i].text.length - item.length;
    if (item === '') {
      i++;
      let v = null;
      if (i < ls.length && ls[i].indent > indent) [v, i] = parseBlock(ls, i, ls[i].indent, `${path}[${arr.length}]`, where);
      arr.push(v);
    } else if (KEY.test(item) && !item.startsWith('[') && !item.startsWith('{')) {
      // "- key: value" starts a map whose keys sit at indent + offset.
      const copy = ls.slice();
      copy[i] = { no: ls[i].no, indent: indent + offset, text: item };
      let v;
      [v, i] = parseMap(copy, i, indent + offset, `${path}[${arr.length}]`, where);
      arr.push(v);
    } else {
      arr.push(scalar(item));
      i++;
    }
  }
  return [arr, i];
}

/** The config as a tree of objects, arrays and scalar strings. */
export function parseYaml(text) {
  const ls = lines(text || '');
  if (!ls.length) return {};
  return parseBlock(ls, 0, ls[0].indent)[0];
}

/**
 * The config as a tree (see parseYaml) and where each key sits: key path (such as
 * "network_layout.layers[1].size") -> {line (1-based), start, end} of its value's text on that
 * line, comments excluded (start === end for a block value), and raw, that text.
 */
export function locateValues(text) {
  const where = new Map();
  const ls = lines(text || '');
  const tree = ls.length ? parseBlock(ls, 0, ls[0].indent, '', where)[0] : {};
  const raws = (text || '').split(/\r?\n/);
  const at = new Map();
  for (const [path, { line, rest }] of where) {
    const s = stripComment(raws[line - 1]).replace(/\s+$/, '');
    at.set(path, { line, start: s.length - rest.length, end: s.length, raw: rest });
  }
  return { tree, at };
}

/**
 * Key path -> value text, e.g. "training_params.lr_scheduler.gamma" -> "0.9". Lists of scalars
 * are one value "[30, 3]" whether written as a block or in flow style, so formatting differences
 * do not show as config differences.
 */
export function flattenYaml(text) {
  const out = new Map();
  const walk = (v, path) => {
    if (Array.isArray(v)) {
      if (v.every((x) => x == null || typeof x !== 'object')) {
        out.set(path, `[${v.map((x) => (x == null ? 'null' : x)).join(', ')}]`);
      } else {
        v.forEach((x, k) => walk(x, `${path}[${k}]`));
      }
    } else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length && path) out.set(path, '{}');
      for (const k of keys) walk(v[k], path ? `${path}.${k}` : k);
    } else {
      out.set(path, v == null ? 'null' : String(v));
    }
  };
  walk(parseYaml(text), '');
  return out;
}

/**
 * The 1-based editor line that a key path such as "network_layout.layer_sizes[1]" names, or the
 * line of its deepest existing parent; null when not even the first key is found.
 */
export function lineOfKeyPath(text, path) {
  const segs = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return null;
    segs.push({ key: m[1], index: m[2] ? Number(/\[(\d+)\]/.exec(m[2])[1]) : null });
  }
  const ls = lines(text || '');
  let from = 0;
  let to = ls.length;
  let parentIndent = -1;
  let found = null;
  for (const seg of segs) {
    let hit = -1;
    let blockIndent = null;
    for (let i = from; i < to; i++) {
      if (ls[i].indent <= parentIndent) break;
      if (blockIndent == null) blockIndent = ls[i].indent;
      const t = ls[i].text.startsWith('- ') ? ls[i].text.slice(2).trimStart() : ls[i].text;
      const ind = ls[i].text.startsWith('- ') ? ls[i].indent + ls[i].text.length - t.length : ls[i].indent;
      const m = KEY.exec(t);
      if (m && unquote(m[1]) === seg.key && ind >= blockIndent) {
        hit = i;
        parentIndent = ind;
        break;
      }
    }
    if (hit < 0) return found;
    found = ls[hit].no;
    let end = hit + 1;
    while (end < ls.length && (ls[end].indent > parentIndent
        || (ls[end].indent === parentIndent && ls[end].text.startsWith('- ')))) end++;
    if (seg.index != null) {
      const items = ls.slice(hit + 1, end).filter((l) => l.text.startsWith('- ') || l.text === '-');
      const minInd = Math.min(...items.map((l) => l.indent));
      const direct = items.filter((l) => l.indent === minInd);
      if (direct[seg.index]) found = direct[seg.index].no;
    }
    from = hit + 1;
    to = end;
  }
  return found;
}

/**
 * Where a server validation message points: {line, keyPath, detail}. The server names the file
 * as the CLI does ("<name>.yaml: "); syntax errors read "not valid YAML: <what> (line L, column
 * C)" (older ones "line L, column C: <what>"); validation errors carry a key path after the file
 * name. line is null when the message names none.
 */
export function locateError(message, text, fileName) {
  let rest = String(message || '');
  const prefix = fileName ? [`${fileName}.yaml: `, `${fileName}: `].find((p) => rest.startsWith(p)) : null;
  if (prefix) rest = rest.slice(prefix.length);
  else rest = rest.replace(/^[^:\s]+\.ya?ml: /, '').replace(/^[^:\s]+: (?=(line \d+|[A-Za-z_][\w.[\]]*: ))/, '');
  const syntax = /^line (\d+)(?:, column (\d+))?: (.*)$/s.exec(rest);
  if (syntax) return { line: Number(syntax[1]), keyPath: '', detail: syntax[3] };
  if (rest.startsWith('not valid YAML')) {
    const at = /\(line (\d+)(?:, column \d+)?\)/.exec(rest);
    return { line: at ? Number(at[1]) : null, keyPath: '', detail: rest };
  }
  const kp = /^([A-Za-z_][\w]*(?:\[\d+\])*(?:\.[A-Za-z_][\w]*(?:\[\d+\])*)*): (.*)$/s.exec(rest);
  if (kp) return { line: lineOfKeyPath(text, kp[1]), keyPath: kp[1], detail: kp[2] };
  const anyLine = /\bline (\d+)\b/.exec(rest);
  return { line: anyLine ? Number(anyLine[1]) : null, keyPath: '', detail: rest };
}
