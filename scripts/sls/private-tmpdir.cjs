// serverless-esbuild 1.57.2 stages each function's zip in a directory under os.tmpdir() and never removes it: the
// release is a non-recursive remove whose ENOTEMPTY it swallows (floydspace/serverless-esbuild#589, not merged). That
// is the function's whole bundle left behind per function per `serverless package` or `deploy`, about 50 MB a run for
// this service. This plugin gives each serverless command a temporary directory of its own (TMPDIR, which os.tmpdir()
// reads at every call) and removes it when the command's process exits.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

class PrivateTmpdir {
  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'smcp-serverless-'));
    process.env.TMPDIR = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
}

module.exports = PrivateTmpdir;
