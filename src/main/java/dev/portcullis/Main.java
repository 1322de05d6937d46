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

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
