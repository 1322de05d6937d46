package dev.portcullis;

import dev.portcullis.offline.OfflineCommand;
import dev.portcullis.offline.SimulatorCommand;
import dev.portcullis.operator.OperatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the Portcullis jar. */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    version = "portcullis 0.1.0",
    description = "AWS EC2 security groups as Kubernetes resources.",
    subcommands = {
      OfflineCommand.class,
      OperatorCommand.class,
      SimulatorCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * The common pool's parallelism. The JDK's HTTP client (the Kubernetes client's) completes its
   * steps asynchronously in that pool; with fewer than three processors its default parallelism is
   * 1, and {@code CompletableFuture} then starts a new thread for every step instead (hundreds a
   * minute while the operator works). Two threads, started as needed.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
