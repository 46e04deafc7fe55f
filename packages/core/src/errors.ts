/** A rule of the domain was broken; `code` is one of the stable error codes (docs/ERRORS.md). */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
