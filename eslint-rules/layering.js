// Import layering as allow-lists, one per layer (the way VS Code's code-layering rule works):
// a layer names what it may import and everything else is refused. Relative imports are
// resolved against the importing file, so '../../engine/x' is judged by where it lands,
// not by how it is spelled.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

/** Layer name -> its directory, longest first so 'electron/contract' wins over 'electron'. */
export const LAYER_DIRS = {
  contract: 'electron/contract',
  core: 'electron/core',
  engine: 'electron/engine',
  cli: 'electron/cli',
  serve: 'electron/serve',
  main: 'electron/main',
  preload: 'electron/preload',
  native: 'native',
  renderer: 'renderer',
};

/**
 * What each layer may import: other layers, npm packages ('*' = any but electron), Node
 * built-ins, electron. Everything not listed is refused.
 */
export const LAYER_RULES = {
  contract: { layers: ['contract'], packages: ['zod'], node: false, electron: false },
  core: { layers: ['core', 'contract'], packages: [], node: false, electron: false },
  native: { layers: ['native', 'core', 'contract'], packages: '*', node: true, electron: false },
  engine: { layers: ['engine', 'native', 'core', 'contract'], packages: '*', node: true, electron: false },
  // The CLI's `serve` command is the headless composition root, so cli may start serve.
  cli: { layers: ['cli', 'serve', 'engine', 'native', 'core', 'contract'], packages: '*', node: true, electron: false },
  serve: { layers: ['serve', 'engine', 'native', 'core', 'contract'], packages: '*', node: true, electron: false },
  main: { layers: ['main', 'engine', 'native', 'core', 'contract'], packages: '*', node: true, electron: true },
  preload: { layers: ['preload', 'contract'], packages: [], node: false, electron: true },
  renderer: { layers: ['renderer', 'contract'], packages: '*', node: false, electron: false },
};

const builtins = new Set(builtinModules);
const isNodeBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec.split('/')[0]);
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

function layerOf(repoPath) {
  const p = repoPath.split(sep).join('/');
  for (const [name, dir] of Object.entries(LAYER_DIRS)) {
    if (p === dir || p.startsWith(`${dir}/`)) return name;
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'each layer imports only what its allow-list names' },
    schema: [],
    messages: { refused: '{{layer}} may not import {{what}} ("{{spec}}"); {{layer}} may import: {{allowed}}.' },
  },
  create(context) {
    const cwd = context.cwd;
    const file = context.physicalFilename ?? context.filename;
    const layer = layerOf(relative(cwd, file));
    if (!layer) return {};
    const rule = LAYER_RULES[layer];
    const allowed = [
      ...rule.layers,
      rule.packages === '*' ? 'npm packages' : rule.packages.length ? rule.packages.join(', ') : null,
      rule.node ? 'Node built-ins' : null,
      rule.electron ? 'electron' : null,
    ]
      .filter(Boolean)
      .join(', ');

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      let what = null;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = relative(cwd, resolve(dirname(file), spec));
        const targetLayer = layerOf(target);
        // Files outside every layer (assets/, package.json) are data, not code layers.
        if (targetLayer && !rule.layers.includes(targetLayer)) what = `the ${targetLayer} layer`;
      } else if (spec === '@contract' || spec.startsWith('@contract/')) {
        if (!rule.layers.includes('contract')) what = 'the contract layer';
      } else if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!rule.electron) what = 'electron';
      } else if (isNodeBuiltin(spec)) {
        if (!rule.node) what = 'Node built-ins';
      } else if (rule.packages !== '*' && !rule.packages.includes(packageName(spec))) {
        what = `the package ${packageName(spec)}`;
      }
      if (what) context.report({ node, messageId: 'refused', data: { layer, what, spec, allowed } });
    }

    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
      TSImportType(node) {
        const lit = node.argument?.literal ?? node.argument;
        if (lit?.type === 'Literal') check(lit, lit.value);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { 'allowed-imports': allowedImports } };
