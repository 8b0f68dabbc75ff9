// Plain CommonJS so that an older Node can run it and say clearly why it cannot run the rest.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `smcp needs Node 24 (the Lambda runtime is nodejs24.x) but npm scripts found Node ${process.versions.node}.\n` +
      'Run `npm ci` (without --ignore-scripts) so the pinned `node` devDependency installs its Node 24 binary.',
  );
  process.exit(1);
}
