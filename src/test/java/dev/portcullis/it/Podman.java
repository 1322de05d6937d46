package dev.portcullis.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman, as the image's test runs it: every container with the {@code runc} runtime (set
 * up by {@code scripts/podman.sh}). Each call waits for podman to finish and fails with what it
 * printed when it does not succeed.
 */
final class Podman {
  /** What one podman command printed, and how it ended. */
  record Result(List<String> command, int exitCode, String output) {
    Result orFail() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  private Podman() {}

  /**
   * Checks that podman is installed and can run a container here, and says what to do when not: the
   * image's test fails then, as it cannot test the image without it.
   */
  static void requireUsable() {
    Result version;
    try {
      version = run(30, "version", "--format", "{{.Client.Version}}");
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(
          "podman is not installed, and the image's test runs the image with it: run"
              + " scripts/podman.sh (as root; it installs Debian's podman and runc and sets"
              + " default_ulimits = [] in /etc/containers/containers.conf)",
          e);
    }
    if (version.exitCode() != 0) {
      throw new IllegalStateException(
          "podman does not work here, and the image's test runs the image with it (scripts/podman.sh"
              + " sets it up):\n"
              + version.output());
    }
  }

  /** Runs {@code podman ARGS} and waits at most {@code seconds} for it. */
  static Result run(int seconds, String... args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + String.join(" ", command), e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p));
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + seconds + " s");
      }
      return new Result(command, p.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("reading the output of " + String.join(" ", command), e);
    }
  }

  private static String readAll(Process p) {
    try (InputStream in = p.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
