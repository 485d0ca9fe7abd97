#!/usr/bin/env node
// Where the page's wasm bytes go: the size of each function body of the
// release build as rustc left it (before wasm-bindgen and wasm-opt, whose
// output has no names), summed by crate and, for servicelab's own code, by
// module, from the wasm's `name` section; and the generic functions
// compiled more than once (one copy per type they are used with), the
// largest families first. A twiggy-style report without a tool to install:
// `make measure` prints it.
//
//   node scripts/wasm-sizes.mjs [WASM] [--top N]
//
// The figures are pre-optimisation bytes: wasm-opt and compression shrink
// everything by roughly the same factor, so the shares are what matter.
// Generic code is counted in the crate whose function it is (serde's
// `Deserialize` impls generated for the engine's types count as the
// engine's), as rustc names it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const file = args[0] ?? path.join(ROOT, 'target/wasm32-unknown-unknown/release/servicelab.wasm');
const bytes = readFileSync(file);

function leb(at) {
  let value = 0, shift = 0, b;
  do {
    b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, at];
}

// Sections: imports (to count imported functions), code (body sizes), name.
let at = 8, imported = 0, bodies = [], names = new Map();
while (at < bytes.length) {
  const id = bytes[at++];
  let size;
  [size, at] = leb(at);
  const end = at + size;
  if (id === 2) {
    let n, p;
    [n, p] = leb(at);
    for (let i = 0; i < n; i++) {
      let len;
      [len, p] = leb(p); p += len; // module
      [len, p] = leb(p); p += len; // field
      const kind = bytes[p++];
      if (kind === 0) { [, p] = leb(p); imported++; }
      else if (kind === 1) { p++; const [flags, q] = leb(p); p = q; [, p] = leb(p); if (flags & 1) [, p] = leb(p); }
      else if (kind === 2) { const [flags, q] = leb(p); p = q; [, p] = leb(p); if (flags & 1) [, p] = leb(p); }
      else if (kind === 3) { p += 2; }
    }
  } else if (id === 10) {
    let n, p;
    [n, p] = leb(at);
    for (let i = 0; i < n; i++) {
      let len;
      [len, p] = leb(p);
      bodies.push(len);
      p += len;
    }
  } else if (id === 0) {
    let len, p;
    [len, p] = leb(at);
    const sname = bytes.subarray(p, p + len).toString();
    p += len;
    if (sname === 'name') {
      while (p < end) {
        const sub = bytes[p++];
        let ssize;
        [ssize, p] = leb(p);
        const send = p + ssize;
        if (sub === 1) {
          let n, q = p;
          [n, q] = leb(q);
          for (let i = 0; i < n; i++) {
            let idx, l;
            [idx, q] = leb(q);
            [l, q] = leb(q);
            names.set(idx, bytes.subarray(q, q + l).toString());
            q += l;
          }
        }
        p = send;
      }
    }
  }
  at = end;
}

// Rust's legacy mangling: _ZN + length-prefixed path components + E. The
// first component is the crate; an impl (`_$LT$Type$u20$as$u20$Trait$GT$`)
// is counted for the crate of its type.
function components(mangled) {
  const parts = [];
  let p = 3;
  while (p < mangled.length && /[0-9]/.test(mangled[p])) {
    let n = 0;
    while (/[0-9]/.test(mangled[p])) n = n * 10 + Number(mangled[p++]);
    parts.push(mangled.slice(p, p + n));
    p += n;
  }
  return parts;
}

function path_of(mangled) {
  if (!mangled.startsWith('_ZN')) return [mangled.startsWith('_R') ? '(v0 mangled)' : '(unmangled)'];
  const parts = components(mangled);
  if (parts.length && parts[0].startsWith('_$LT$')) {
    // `<Type as Trait>` (or `<Type>`): the type's path, or the trait's when
    // the type is a generic parameter or a reference to one.
    let inner = parts[0].slice(5).replace(/\$GT\$$/, '');
    inner = inner.replace(/^(\$RF\$|\$BP\$|mut\$u20\$|\$u5b\$|\$LP\$)+/g, '');
    const [type, trait] = inner.split('$u20$as$u20$');
    const pick = /^[A-Z][A-Za-z0-9]*($|\$)/.test(type) && trait ? trait : type;
    const path = pick.split(/\.\.|\$LT\$|\$GT\$|\$C\$|\$u20\$/).filter(Boolean);
    return path.length ? path : parts;
  }
  return parts;
}

// A generic function compiled once per type it is used with: the same
// legacy-mangled name but for its hash. (How the engine's BTreeMaps were
// found to be a tenth of the code: see engine/src/map.rs.)
function demangledFamily(mangled) {
  return components(mangled)
    .filter((part) => !/^h[0-9a-f]{16}$/.test(part))
    .join('::')
    .replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
    .replace(/\$C\$/g, ',').replace(/\$RF\$/g, '&').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}')
    .replace(/\.\./g, '::')
    .replace(/(^|::)_</g, '$1<');
}
const byFamily = new Map();
const byCrate = new Map(), byModule = new Map();
let total = 0;
bodies.forEach((size, i) => {
  total += size;
  const name = names.get(i + imported) ?? '(no name)';
  if (name.startsWith('_ZN') && /17h[0-9a-f]{16}E$/.test(name)) {
    const f = demangledFamily(name);
    const [bytes, copies] = byFamily.get(f) ?? [0, 0];
    byFamily.set(f, [bytes + size, copies + 1]);
  }
  const parts = path_of(name);
  const crate = parts[0] ?? '(unknown)';
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
  if (crate === 'servicelab_engine' || crate === 'servicelab') {
    // crate::module::submodule; a type's methods and serde's derived
    // impls (`_`) count for the module that holds them.
    const path = parts.filter((p) => !/^h[0-9a-f]{16}$/.test(p));
    let depth = 1;
    while (depth < 3 && depth < path.length && /^[a-z][a-z0-9_]*$/.test(path[depth]) && path[depth] !== '_') depth++;
    const module = path.slice(0, depth).join('::');
    byModule.set(module, (byModule.get(module) ?? 0) + size);
  }
});

const kb = (n) => `${(n / 1024).toFixed(1).padStart(8)} KB`;
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const table = (title, map) => {
  console.log(title);
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, v]) => {
    console.log(`  ${kb(v)} ${pct(v)}  ${k}`);
  });
};
console.log(`wasm code by crate and module (function bodies before wasm-bindgen and wasm-opt; ${path.relative(ROOT, file)}):`);
console.log(`  ${kb(total)}  all code, ${bodies.length} functions; data segments and tables not counted`);
table('by crate:', byCrate);
table("servicelab's own, by module:", byModule);
console.log('generic code compiled more than once (copies, by function):');
[...byFamily.entries()].filter(([, [, n]]) => n > 1).sort((a, b) => b[1][0] - a[1][0]).slice(0, 10)
  .forEach(([f, [bytes, n]]) => console.log(`  ${kb(bytes)} ${pct(bytes)}  ${String(n).padStart(4)}x ${f.slice(0, 110)}`));
