package dev.portcullis.it;

import java.util.concurrent.TimeUnit;

/** Ending the processes a test started. */
final class ChildProcesses {
  private ChildProcesses() {}

  /** Asks {@code process} to end (SIGTERM), and kills it when it has not ended within 20 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
