package io.tidemark.it.campaign;

/** Sleeps for a fault's hold, in steps, and less when the run is stopping. */
@FunctionalInterface
interface Hold {
  void hold(double seconds) throws InterruptedException;
}
