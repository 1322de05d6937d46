package dev.portcullis.offline;

import dev.portcullis.cli.Commands;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.Throttling;
import dev.portcullis.cloud.simulator.World;
import dev.portcullis.cloud.simulator.WorldFileException;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import dev.portcullis.cloud.simulator.endpoint.Ec2QueryService;
import dev.portcullis.engine.Quotas;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis simulator}: the built-in EC2 as an endpoint of EC2's Query API, for the AWS
 * CLI, boto3, the SDKs or Portcullis's own {@code --cloud aws --aws-endpoint}. Like the offline
 * command it needs no cluster and no AWS account.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the built-in EC2 simulator as an EC2 endpoint (the Query API, version 2016-11-15):",
      "point any EC2 client at it, e.g. aws ec2 describe-security-groups --endpoint-url"
          + " http://127.0.0.1:8773 --region eu-west-1. Requests must be signed (any key unless"
          + " --access-key says which); the region of the signature chooses the simulated region."
    })
public final class SimulatorCommand implements Callable<Integer> {
  static final int INVALID = 2;

  @Spec CommandSpec spec;

  @Option(
      names = {"-w", "--world"},
      required = true,
      split = ",",
      description =
          "The world file (regions, VPCs, instances); repeat it or separate files with commas to"
              + " join several worlds into one EC2.")
  List<Path> worlds = new ArrayList<>();

  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:8773",
      description = "host:port to listen on (default ${DEFAULT-VALUE}; port 0 picks a free one).")
  String listen;

  @Option(
      names = "--allow-non-loopback",
      description =
          "Allow --listen on an address other than a loopback one. Whoever reaches it can change"
              + " the simulator's state.")
  boolean allowNonLoopback;

  @Option(
      names = "--access-key",
      split = ",",
      description = "Access key ids to accept (repeatable); any when unset.")
  List<String> accessKeys = new ArrayList<>();

  @Option(
      names = "--throttling",
      defaultValue = "on",
      description =
          "EC2's request throttling: on (EC2's token buckets), off, or a positive factor that"
              + " scales every bucket.")
  String throttling;

  @Option(
      names = "--throttle-rate",
      defaultValue = "0",
      description = "Share of requests answered RequestLimitExceeded at random (0 to 1).")
  double throttleRate;

  @Option(
      names = "--consistency-window",
      defaultValue = "PT0S",
      description =
          "How long a new group stays invisible (InvalidGroup.NotFound), as EC2's eventual"
              + " consistency (ISO-8601, default PT0S).")
  Duration consistencyWindow;

  @Option(
      names = "--latency",
      defaultValue = "PT0S",
      description = "Delay added to every request (ISO-8601, default PT0S).")
  Duration latency;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for ids and random faults.")
  long seed;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    Throttling t;
    try {
      t = throttling(throttling);
    } catch (IllegalArgumentException e) {
      err.println("--throttling: \"" + throttling + "\" is neither on, off nor a positive factor");
      return INVALID;
    }
    Faults faults;
    try {
      faults =
          Faults.none()
              .withThrottleRate(throttleRate)
              .withConsistencyWindow(consistencyWindow)
              .withLatency(latency);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return INVALID;
    }
    InetSocketAddress address;
    try {
      address = Ec2Endpoint.parseAddress(listen);
    } catch (IllegalArgumentException e) {
      err.println("--listen: " + e.getMessage());
      return INVALID;
    }
    World w;
    try {
      w = WorldLoader.load(worlds, Quotas.DEFAULT);
    } catch (WorldFileException | UncheckedIOException e) {
      err.println(e.getMessage());
      return INVALID;
    }
    Ec2Simulator sim =
        Ec2Simulator.builder().world(w).seed(seed).throttling(t).faults(faults).build();
    Ec2Endpoint endpoint;
    try {
      endpoint =
          Ec2Endpoint.start(
              sim,
              address,
              Ec2QueryService.Settings.open()
                  .withRegions(w.regions().keySet())
                  .withAccessKeys(new HashSet<>(accessKeys)),
              allowNonLoopback);
    } catch (IllegalArgumentException e) {
      err.println("--listen: " + e.getMessage());
      return INVALID;
    }
    String region = w.regions().keySet().stream().findFirst().orElse("eu-west-1");
    out.println(
        "portcullis simulator: EC2 endpoint at "
            + endpoint.uri()
            + " for "
            + String.join(", ", w.regions().keySet())
            + " ("
            + String.join(", ", worlds.stream().map(Path::toString).toList())
            + ")");
    out.println("  " + Ec2Endpoint.exampleCommand(endpoint.uri(), region));
    out.flush();
    Commands.awaitShutdown(endpoint::close);
    return 0;
  }

  static Throttling throttling(String value) {
    return Commands.onOffOrFactor(value, Throttling::ec2, Throttling::off, Throttling::scaled);
  }
}
