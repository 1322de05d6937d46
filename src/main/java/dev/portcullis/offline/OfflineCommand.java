package dev.portcullis.offline;

import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.World;
import dev.portcullis.cloud.simulator.WorldFileException;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Quotas;
import dev.portcullis.sync.Retry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis offline}: manifests applied to the simulator, with no cluster and no AWS. */
@Command(
    name = "offline",
    mixinStandardHelpOptions = true,
    description = {
      "Applies SecurityGroup, SecurityGroupAttachment and ReachabilityCheck manifests to the"
          + " built-in EC2 simulator, prints what was created, and answers reachability questions"
          + " with explanations.",
      "",
      "Exit codes: 0 all applied and every expectation met; 2 invalid input (nothing applied);"
          + " 3 a change was refused (by EC2 or by a check made before calling it) or an expectation was not met."
    })
public final class OfflineCommand implements Callable<Integer> {
  public static final int OK = 0;
  public static final int INVALID = 2;
  public static final int NOT_MET = 3;

  @Spec CommandSpec spec;

  @Option(
      names = {"-w", "--world"},
      required = true,
      description = "The world file: regions, VPCs, instances and their listening ports.")
  Path world;

  @Option(
      names = {"-f", "--manifests"},
      required = true,
      split = ",",
      description = "Manifest files or folders (.yaml, .yml), several documents per file.")
  List<Path> manifests;

  @Option(
      names = "--ask",
      description =
          "A reachability question: SOURCE DESTINATION [PROTOCOL/]PORT, such as"
              + " \"203.0.113.7 i-0a000001 tcp/22\". SOURCE is an address, a CIDR, an instance"
              + " id, a group id or a SecurityGroup name; DESTINATION an instance id, or an"
              + " address or CIDR (\"i-0a000001 8.8.8.8 tcp/443\"), which needs an instance or a"
              + " group as SOURCE. Repeatable.")
  List<String> questions = new ArrayList<>();

  @Option(
      names = "--throttling",
      defaultValue = "on",
      description = "EC2 request throttling in the simulator: on (EC2's token buckets) or off.")
  String throttling;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for the simulator's ids.")
  long seed;

  @Option(
      names = "--quota-rules-per-group",
      defaultValue = "60",
      description =
          "Inbound (or outbound) rules per group, per address family, as raised for the account"
              + " (EC2's default: ${DEFAULT-VALUE}).")
  int rulesPerGroup;

  @Option(
      names = "--quota-groups-per-interface",
      defaultValue = "5",
      description =
          "Security groups per network interface, as raised for the account (EC2's default:"
              + " ${DEFAULT-VALUE}, at most 16).")
  int groupsPerInterface;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!throttling.equals("on") && !throttling.equals("off")) {
      err.println("--throttling: \"" + throttling + "\" is neither on nor off");
      return INVALID;
    }
    Quotas quotas = new Quotas(rulesPerGroup, groupsPerInterface);
    if (!quotas.validate().isEmpty()) {
      quotas.validate().forEach(p -> err.println("--quota-*: " + p.message()));
      return INVALID;
    }
    World w;
    try {
      w = WorldLoader.load(world, quotas);
    } catch (WorldFileException e) {
      err.println(e.getMessage());
      return INVALID;
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      return INVALID;
    }
    Manifests m;
    try {
      m = Manifests.load(manifests);
    } catch (ManifestException e) {
      e.problems().forEach(err::println);
      err.println("Nothing was applied.");
      return INVALID;
    } catch (IOException e) {
      err.println("cannot read manifests: " + e.getMessage());
      return INVALID;
    }
    w.warnings().forEach(p -> err.println(world + ": warning: " + p));
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(w)
            .seed(seed)
            .quotas(quotas)
            .throttling(throttling.equals("on") ? ThrottlingMode.EC2 : ThrottlingMode.OFF)
            .build();
    OfflineReport report;
    try {
      report = new OfflineRunner(sim, Retry.standard()).run(m, questions);
    } catch (ManifestException e) {
      e.problems().forEach(err::println);
      err.println("Nothing was applied.");
      return INVALID;
    } catch (QuestionException e) {
      e.problems().forEach(err::println);
      return INVALID;
    }
    new ReportPrinter(out).print(world, report);
    out.flush();
    return report.anyRefused() || !report.expectationsMet() ? NOT_MET : OK;
  }
}
