package io.tidemark.it.campaign;

/**
 * How one fault went.
 *
 * @param happened false when it was skipped (nothing to act on, or a conflicting fault ran); only
 *     faults that happened are counted
 * @param phase where the daemon or the target stood when it landed (copy, stream, rebuild, swap,
 *     …), or null
 * @param text what it did or why it was skipped, for the history
 */
record FaultOutcome(boolean happened, String phase, String text) {
  static FaultOutcome done(String phase, String text) {
    return new FaultOutcome(true, phase, text);
  }

  static FaultOutcome skipped(String why) {
    return new FaultOutcome(false, null, "skipped: " + why);
  }

  @Override
  public String toString() {
    return (phase == null ? "" : "landed during " + phase + "; ") + text;
  }
}
