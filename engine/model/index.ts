/**
 * Text models of cxpulse: TF.js backend selection, the sentiment scorer (linear models over
 * hashed n-gram features, weights in models/sentiment) with its heads (the table in
 * engine/event/heads.ts, weights in models/sentiment/heads, plus the polite-but-negative signal)
 * and the rule-based language guess.
 *
 *   await initBackend();                      // 'tensorflow' | 'wasm' | 'cpu'
 *   const scorer = await loadTextScorer();     // models/sentiment next to this repo
 *   const [s] = await scorer.score(['Tack, det löste sig!'], ['sv']);
 *   const [all] = await scorer.predictAll([scorer.featurize(text, 'sv')], [text], ['sv']);
 */
export { initBackend, activeBackend } from './backend.ts';
export { loadTextScorer, readModelFolder, DEFAULT_MODEL_DIR } from './scorer.ts';
export type { TextScorer, LoadOptions } from './scorer.ts';
export { HEAD_NAMES, HEADS_DIR, combinedVersion, headExpectation, readModelVersion, sameFeaturizer } from './heads.ts';
export type { HeadName } from './heads.ts';
export { hiddenSignals, TAIL_NEGATIVE_SCORE, tailClause, politeMarker, CONTRAST_MARKERS, POLITENESS_MARKERS } from './signals.ts';
export { implicitComplaint, raisedUrgency, phraseSource, COMPLAINT_PHRASES, COMPLAINT_LANGS, COMPLAINT_URGENCY } from './complaints.ts';
export { INTENSITY_CUTS, intensityOf, headScoreAt } from './outputs.ts';
export { detectLanguage, DETECTED_LANGUAGES } from './langid.ts';
export { featurizeWith, featurizeTokens, defaultFeaturizerSpec, hashString, rowLanguage, withLanguageRows } from './featurize.ts';
export type { FeaturizerSpec } from './featurize.ts';
export { LEXICON_FILE, lexCountIds, lexiconSigns, modelFeatures, readLexiconSigns, SignTable, wordHash } from './lexCounts.ts';
export type { LexiconCountsSpec, LexiconHashesFile, LexiconSigns } from './lexCounts.ts';
export { tokenize, normalizeText, TOKENIZER_VERSION } from './tokenize.ts';
export {
  MANIFEST_FILE, WEIGHTS_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, modelVersion, sha256, validateManifest, versionWithOffsets, MAX_CLASS_OFFSET, CLASS_SCALE_RANGE,
} from './manifest.ts';
export type { ModelManifest, Architecture, ModelTask, ClassOffsets, ClassScales } from './manifest.ts';
