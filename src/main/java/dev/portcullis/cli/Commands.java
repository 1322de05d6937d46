package dev.portcullis.cli;

import java.util.concurrent.CountDownLatch;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;

/**
 * What the long-running commands ({@code operator}, {@code simulator}) share on the command line.
 */
public final class Commands {
  private Commands() {}

  /**
   * A rate option's value: {@code on} for the defaults, {@code off} for none, or a positive factor
   * that scales the defaults.
   *
   * @throws IllegalArgumentException for anything else (the message is the value)
   */
  public static <T> T onOffOrFactor(
      String value, Supplier<T> on, Supplier<T> off, DoubleFunction<T> scaled) {
    switch (value) {
      case "on":
        return on.get();
      case "off":
        return off.get();
      default:
        double factor;
        try {
          factor = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(value, e);
        }
        return scaled.apply(factor);
    }
  }

  /**
   * Runs until the process is asked to stop (Ctrl-C, SIGTERM), then {@code onStop}, and returns.
   */
  public static void awaitShutdown(Runnable onStop) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  onStop.run();
                  stop.countDown();
                }));
    stop.await();
  }
}
