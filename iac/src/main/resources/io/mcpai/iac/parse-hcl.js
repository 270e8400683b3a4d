// Parses each .tf file named on the command line with HashiCorp's HCL parser (hcl2json: the Go
// hcl2 library compiled to WebAssembly) and writes {path: json} to the output file, argv[2].
// A file that does not parse maps to {"__parse_error": message}.
const fs = require('fs');
const path = require('path');
const { parse } = require(path.join(__dirname, 'node_modules', '@cdktf', 'hcl2json'));

(async () => {
  const [out, ...files] = process.argv.slice(2);
  const result = {};
  for (const f of files) {
    try {
      result[f] = await parse(f, fs.readFileSync(f, 'utf8'));
    } catch (e) {
      result[f] = { __parse_error: String((e && e.message) || e) };
    }
  }
  fs.writeFileSync(out, JSON.stringify(result));
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
