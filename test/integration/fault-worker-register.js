// Lets a plain `node` child process load the project's TypeScript (the SIGKILL fault test spawns
// workers that jest does not run). Transpile-only, cached on disk by content hash, so the hundred
// restarts of the test pay for transpiling once.
const ts = require('typescript');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const cacheDir = process.env.IDSYNC_TS_CACHE || path.join(require('node:os').tmpdir(), 'idsync-ts-cache');
fs.mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let js;
  try {
    js = fs.readFileSync(cached, 'utf8');
  } catch {
    js = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    }).outputText;
    fs.writeFileSync(`${cached}.${process.pid}`, js);
    fs.renameSync(`${cached}.${process.pid}`, cached);
  }
  module._compile(js, filename);
};
