/** The bus did not confirm a publish within the retry budget: the caller answers 503 / keeps the file. */
export class BusUnavailableError extends Error {
  override name = 'BusUnavailableError';
  readonly code = 'CX_ERR_BUS_UNAVAILABLE' as const;
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
