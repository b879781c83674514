// Minimal typings for the two baseline packages of `cxpulse eval`, which ship none: only the
// parts we call.
declare module 'sentiment' {
  interface AnalysisResult {
    score: number;
    /** score divided by the number of tokens. */
    comparative: number;
  }
  class Sentiment {
    analyze(phrase: string): AnalysisResult;
  }
  export = Sentiment;
}

declare module 'vader-sentiment' {
  interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    /** Normalised sum of valences, -1..1. */
    compound: number;
  }
  const vader: { SentimentIntensityAnalyzer: { polarity_scores(text: string): PolarityScores } };
  export = vader;
}
