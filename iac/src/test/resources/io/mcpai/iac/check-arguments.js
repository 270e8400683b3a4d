// Checks every argument, nested block and attribute reference of aws_*, google_* and azurerm_*
// resources and data sources against the provider schemas, as generated into the prebuilt cdktf
// provider packages (each pinned to one provider release). Usage:
//   node check-arguments.js <dir with node_modules/@cdktf/provider-*> <hcl2json dir> FILE.tf...
// Prints one line per problem and a last line "N blocks, M references, P problems".
const fs = require('fs');
const path = require('path');
const [schemas, hcl2json, ...files] = process.argv.slice(2);
const { parse } = require(path.join(path.resolve(hcl2json), 'node_modules', '@cdktf', 'hcl2json'));
const PKG = { aws: 'provider-aws', google: 'provider-google', azurerm: 'provider-azurerm' };
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const cache = {};

function schemaFor(kind, type) {
  const prefix = type.split('_')[0];
  if (!PKG[prefix]) return null;
  const dir = (kind === 'data' ? 'data-' + type : type.substring(prefix.length + 1)).replace(/_/g, '-');
  const file = path.join(schemas, 'node_modules', '@cdktf', PKG[prefix], 'lib', dir, 'index.js');
  if (cache[file]) return cache[file];
  if (!fs.existsSync(file)) return (cache[file] = { missing: `no ${kind} type ${type} in ${PKG[prefix]}` });
  const js = fs.readFileSync(file, 'utf8');
  if (!js.includes(`tfResourceType = "${type}"`)) return (cache[file] = { missing: `${file} is not ${type}` });
  const fns = {};
  const re = /function (\w+ToTerraform)\(struct\) \{([\s\S]*?)\n\}/g;
  let m;
  while ((m = re.exec(js))) fns[m[1]] = keys(m[2]);
  const top = keys(js.slice(js.indexOf('synthesizeAttributes() {'), js.indexOf('synthesizeHclAttributes() {')));
  return (cache[file] = { js, fns, top });
}

// The argument names a generated converter writes, each with its nested block's converter.
function keys(body) {
  const out = {};
  for (const line of body.split('\n')) {
    const k = /^\s+(\w+): (.*?),?$/.exec(line);
    if (!k) continue;
    const nested = /(\w+ToTerraform)[,(]/.exec(k[2].replace(/cdktf\.\w+/g, ''));
    out[k[1]] = nested ? nested[1] : null;
  }
  return out;
}

const problems = [];
function check(where, body, allowed, s) {
  for (const [k, v] of Object.entries(body)) {
    if (META.has(k)) continue;
    if (k === 'dynamic') {
      for (const [name, blocks] of Object.entries(v))
        for (const b of blocks) for (const c of b.content || []) block(`${where} dynamic "${name}"`, name, c, allowed, s);
      continue;
    }
    if (!(k in allowed)) problems.push(`${where}: unknown argument or block "${k}"`);
    else if (allowed[k] && Array.isArray(v)) for (const b of v) if (b && typeof b === 'object') block(`${where}.${k}`, k, b, allowed, s);
  }
}
function block(where, k, b, allowed, s) {
  if (!(k in allowed)) return problems.push(`${where}: unknown block "${k}"`);
  if (!allowed[k] || !s.fns[allowed[k]]) return problems.push(`${where}: "${k}" is not a block`);
  check(where, b, s.fns[allowed[k]], s);
}

(async () => {
  let blocks = 0;
  let refs = 0;
  for (const f of files) {
    const j = await parse(f, fs.readFileSync(f, 'utf8'));
    for (const kind of ['resource', 'data'])
      for (const [type, byName] of Object.entries(j[kind] || {}))
        for (const [name, bodies] of Object.entries(byName))
          for (const body of bodies) {
            const s = schemaFor(kind, type);
            if (!s) continue;
            const where = `${f}: ${kind} "${type}" "${name}"`;
            if (s.missing) problems.push(`${where}: ${s.missing}`);
            else (blocks++, check(where, body, s.top, s));
          }
    // type.name.attribute (and data.type.name.attribute) must be an attribute or block of the type.
    const text = fs.readFileSync(f, 'utf8').replace(/#.*$/gm, '');
    const re = /(?<![\w.])(data\.)?((?:aws|google|azurerm)_[a-z0-9_]+)\.([a-z0-9_-]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)/g;
    let m;
    while ((m = re.exec(text))) {
      const s = schemaFor(m[1] ? 'data' : 'resource', m[2]);
      if (!s || s.missing) continue;
      refs++;
      if (!s.js.includes(`Attribute('${m[4]}')`) && !s.js.includes(`(this, "${m[4]}"`))
        problems.push(`${f}: ${m[0]}: ${m[2]} has no attribute "${m[4]}"`);
    }
  }
  problems.forEach((p) => console.log(p));
  console.log(`${blocks} blocks, ${refs} references, ${problems.length} problems`);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
