/**
 * Text models of cxpulse: TF.js backend selection, the sentiment scorer (hashed n-gram
 * embedding bag, weights in models/sentiment) and the rule-based language guess.
 *
 *   await initBackend();                      // 'tensorflow' | 'wasm' | 'cpu'
 *   const scorer = await loadTextScorer();     // models/sentiment next to this repo
 *   const [s] = await scorer.score(['Tack, det löste sig!'], ['sv']);
 */
export { initBackend, activeBackend } from './backend.ts';
export { loadTextScorer, readModelFolder, DEFAULT_MODEL_DIR } from './scorer.ts';
export type { TextScorer } from './scorer.ts';
export { detectLanguage, DETECTED_LANGUAGES } from './langid.ts';
export { featurizeWith, defaultFeaturizerSpec, hashString } from './featurize.ts';
export type { FeaturizerSpec } from './featurize.ts';
export { tokenize, normalizeText, TOKENIZER_VERSION } from './tokenize.ts';
export {
  MANIFEST_FILE, WEIGHTS_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, modelVersion, sha256, validateManifest,
} from './manifest.ts';
export type { ModelManifest, Architecture } from './manifest.ts';
