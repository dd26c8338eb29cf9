/** How the ledger verifier stops at the first failure, naming the entry it implicates. */

export class VerificationFailure extends Error {
  override name = 'VerificationFailure';
  /** The first entry the failure implicates; null when only a checkpoint is wrong. */
  readonly index: number | null;
  constructor(index: number | null, reason: string) {
    super(reason);
    this.index = index;
  }
}

export const fail = (index: number | null, reason: string): never => {
  throw new VerificationFailure(index, reason);
};
