// The layering check (npm run lint:deps; part of npm test and CI). The target shape:
//   engine/config, observability, util < event < privacy, bus, connector, model, churn, sinks,
//   feed, access < cues, report, actions < pipeline < http < runtime;
//   connectors/ use engine/{config,observability,util,event,bus,connector,access} only;
//   engine/ never imports connectors/, simulator/, training/, cli/ or bench/;
//   across top-level folders, a folder is imported through its index.ts where it has one.
// Tests are not checked (they reach into internals on purpose).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** engine/ folders from the bottom layer up; a folder imports only its own layer or lower ones. */
const ENGINE_LAYERS = [
  ['config', 'observability', 'util', 'devtools'],
  ['event'],
  ['privacy', 'bus', 'connector', 'model', 'churn', 'sinks', 'feed', 'access'],
  ['cues', 'report', 'actions'],
  ['pipeline'],
  ['http'],
  ['runtime'],
];
const CONNECTORS_MAY_USE = ['config', 'observability', 'util', 'event', 'bus', 'connector', 'access'];
const SOURCE_FOLDERS = ['engine', 'connectors', 'training', 'simulator', 'cli', 'bench', 'bin'];
const ABOVE_ENGINE = ['connectors', 'simulator', 'training', 'cli', 'bench'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names) => `(?:${names.map(escape).join('|')})`;
const engineFolder = (names) => `^engine/${anyOf(names)}/`;

/** One rule per layer boundary: layer i never imports layers above it. */
const layerRules = ENGINE_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `engine-layer-${i}-imports-higher`,
  comment: `engine/{${layer.join(',')}} may not import the layers above it: ${ENGINE_LAYERS.slice(i + 1).flat().join(', ')}`,
  severity: 'error',
  from: { path: engineFolder(layer) },
  to: { path: engineFolder(ENGINE_LAYERS.slice(i + 1).flat()) },
}));

/**
 * The public face of each folder: the index.ts of the shallowest folder (the top-level one
 * included) that has one, e.g. engine/bus/index.ts for everything under engine/bus/.
 */
function publicFaces(dir) {
  if (existsSync(join(__dirname, dir, 'index.ts'))) return [dir];
  return readdirSync(join(__dirname, dir))
    .filter((name) => statSync(join(__dirname, dir, name)).isDirectory())
    .flatMap((name) => publicFaces(`${dir}/${name}`));
}
const FACES = SOURCE_FOLDERS.filter((d) => existsSync(join(__dirname, d))).flatMap(publicFaces);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: modules that cannot be read, tested or loaded one without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-imports-outside-engine',
      comment: 'engine/ is the serving core: connectors, simulator, training, cli and bench build on it, never the reverse.',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: `^${anyOf(ABOVE_ENGINE)}/` },
    },
    {
      name: 'engine-folder-without-layer',
      comment: 'Every engine/ folder has a place in ENGINE_LAYERS (.dependency-cruiser.cjs); add the new one there.',
      severity: 'error',
      from: { path: '^engine/[^/]+/', pathNot: engineFolder(ENGINE_LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
    {
      name: 'connectors-use-low-engine-only',
      comment: `connectors/ may use engine/{${CONNECTORS_MAY_USE.join(',')}} only: a source produces events, it does not score or store them.`,
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^engine/', pathNot: engineFolder(CONNECTORS_MAY_USE) },
    },
    {
      name: 'connectors-import-above',
      comment: 'connectors/ may not import the simulator, training, the CLI or the bench.',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: `^${anyOf(['simulator', 'training', 'cli', 'bench'])}/` },
    },
    {
      name: 'serving-imports-training',
      comment: 'Training code is for cxpulse train/eval only; the simulator does not need it either.',
      severity: 'error',
      from: { path: `^${anyOf(['engine', 'connectors', 'simulator'])}/` },
      to: { path: '^training/' },
    },
    {
      name: 'deep-import-across-folders',
      comment: 'Across top-level folders, import a folder through its index.ts (its public face).',
      severity: 'error',
      from: { path: `^(${SOURCE_FOLDERS.map(escape).join('|')})/` },
      to: {
        path: `^${anyOf(FACES)}/`,
        pathNot: ['^$1/', `^${anyOf(FACES.map((f) => `${f}/index.ts`))}$`],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|dist|node_modules)/' },
    // Type-only imports count: a lower layer importing a higher one's type is still a dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
