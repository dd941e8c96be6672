import type { ESLint } from 'eslint';

export type LayerName = 'contract' | 'core' | 'engine' | 'cli' | 'serve' | 'main' | 'preload' | 'native' | 'renderer';
export interface LayerRule {
  layers: LayerName[];
  packages: '*' | string[];
  node: boolean;
  electron: boolean;
}
export const LAYER_DIRS: Record<LayerName, string>;
export const LAYER_RULES: Record<LayerName, LayerRule>;
declare const plugin: ESLint.Plugin;
export default plugin;
