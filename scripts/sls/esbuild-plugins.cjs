// esbuild plugins for the Lambda bundles (serverless.yml's custom.esbuild.plugins; the cold-start benchmark loads the
// same list). CommonJS because serverless-esbuild loads this file with require().
//
// pure-schemas: a schema module's declarations are pure, but esbuild cannot tell. zod/mini marks its builders
// side-effect free (`@__NO_SIDE_EFFECTS__`), yet esbuild honours that mark only inside the file that declares it
// (https://github.com/evanw/esbuild/issues/4369), so every `const X = z.object(…)` counts as a side effect and a bundle
// keeps, builds and warms up every schema of every schema module its function imports: the lock step built the
// rotation report's states, the dispatcher every step input of rotation and reads. This plugin says at the
// declaration what zod already says of its builders: each top-level `const` of functions/**/schemas.ts whose
// initializer calls something becomes `/* @__PURE__ */ (() => initializer)()`, which esbuild drops when the bundle
// never reads it and evaluates in place when it does. The source stays as written (and runs unbundled, as the tests
// and the local cloud run it, exactly the same); the contract this relies on is the one architecture.md states for
// schema modules: their top-level declarations only build schemas.
const { readFile } = require('node:fs/promises');
const ts = require('typescript');

/** functions/<area>/schemas.ts and functions/shared/schemas.ts. */
const SCHEMA_MODULE = /[\\/]functions[\\/][^\\/]+[\\/]schemas\.ts$/;

const callsSomething = (node) =>
  ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)
    ? true
    : (ts.forEachChild(node, callsSomething) ?? false);

/** The module's source with each top-level `const` initializer that calls something wrapped in a pure IIFE. */
const annotatePureSchemas = (source, fileName) => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const { initializer } of statement.declarationList.declarations) {
      // A function is already pure to esbuild; so is a declaration that calls nothing.
      if (!initializer || ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) continue;
      if (!callsSomething(initializer)) continue;
      edits.push({ at: initializer.getStart(file), text: '/* @__PURE__ */ (() => ' });
      edits.push({ at: initializer.getEnd(), text: ')()' });
    }
  }
  // Insertions only, on the lines they concern: line numbers (and so the source map's lines) do not move.
  let out = source;
  for (const { at, text } of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
};

const pureSchemas = {
  name: 'smcp-pure-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => ({
      contents: annotatePureSchemas(await readFile(path, 'utf8'), path),
      loader: 'ts',
    }));
  },
};

module.exports = [pureSchemas];
