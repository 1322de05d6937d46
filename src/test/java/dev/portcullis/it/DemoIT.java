package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, {@code scripts/run.sh}, as a newcomer runs it on a machine without a
 * cluster: it must start the local API server on 127.0.0.1, run the operator on the examples and
 * show their verdicts, then stop everything it started.
 *
 * <p>The script runs with {@code KUBECONFIG} naming a file that does not exist, so that no cluster
 * of this machine is used and no kubeconfig of the user's is read or written; its state (the local
 * API server's files, the operator's log) goes to a temporary folder. It finds kube-apiserver, etcd
 * and kubectl where {@code scripts/cluster-binaries.sh} caches them, as the other integration tests
 * do.
 */
class DemoIT {
  private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path tmp;

  private Process process;
  private final List<String> lines = new ArrayList<>();
  private Thread reader;

  @BeforeEach
  void binariesAreThere() {
    Path binaries = ApiServerCluster.binariesDir(ApiServerCluster.cacheDir());
    for (String b : List.of("kube-apiserver", "etcd", "kubectl")) {
      if (!Files.isExecutable(binaries.resolve(b))) {
        throw new IllegalStateException(
            "The demo needs kube-apiserver, etcd and kubectl in "
                + binaries
                + ": run scripts/cluster-binaries.sh (the first run builds them, about 12 minutes)");
      }
    }
  }

  @AfterEach
  void stopWhatIsLeft() {
    if (process != null && process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void onceShowsTheVerdictsOfTheExamplesAndStopsEverything() throws Exception {
    byte[] kubeconfigBefore = userKubeconfig();
    start("--once");
    // What the demo starts, seen while it runs: all of it must be gone when it ends.
    Map<ProcessHandle, String> started = new LinkedHashMap<>();
    long deadline = System.nanoTime() + DEMO_TIMEOUT.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      process.descendants().forEach(p -> started.computeIfAbsent(p, DemoIT::command));
      Thread.sleep(200);
    }
    assertThat(process.isAlive())
        .as("the demo ends by itself with --once\n%s", diagnostics())
        .isFalse();
    reader.join(5_000);
    String out = output();
    assertThat(process.exitValue()).as(diagnostics()).isZero();
    assertThat(started.values())
        .as("the demo ran the operator and the local API server")
        .anySatisfy(c -> assertThat(c).contains("kube-apiserver"))
        .anySatisfy(c -> assertThat(c).contains("portcullis.jar operator"));

    assertThat(out).contains("No cluster answers kubectl: starting a local API server");
    assertThat(out).containsPattern("API server https://127\\.0\\.0\\.1:\\d+;");
    // scenario 5: allowed but nothing listens is refused at once; blocked times out
    assertCheck(out, "scenario-5-refused", "nothing-listens-on-8080", "ConnectionRefused");
    assertCheck(out, "scenario-5-refused", "ssh-is-blocked", "TimedOut");
    assertCheck(out, "scenario-5-refused", "http-is-served", "Reachable");
    // scenario 2: the same IP in another network, without the group, is blocked
    assertCheck(out, "scenario-2-references", "same-ip-other-network-is-blocked", "TimedOut");
    assertCheck(out, "scenario-2-references", "any-member-of-group-1", "Reachable");
    assertCheck(out, "scenario-2-references", "group-3-is-blocked", "TimedOut");
    // scenario 1, 3 and 4
    assertCheck(out, "scenario-1-ssh", "my-computer-gets-in", "Reachable");
    assertCheck(out, "scenario-1-ssh", "another-computer-times-out", "TimedOut");
    assertCheck(out, "scenario-3-union", "https-from-ipv6", "Reachable");
    assertCheck(out, "scenario-3-union", "rdp-from-bastion-blocked", "TimedOut");
    assertCheck(out, "scenario-4-across-vpcs", "app-in-b-cannot-use-the-group", "TimedOut");
    // an address outside the estate: the To column shows it
    assertCheck(out, "scenario-1-ssh", "dev-box-reaches-the-internet", "Reachable");
    assertThat(out)
        .containsPattern(
            "dev-box-reaches-the-internet +True +Reachable +Reachable +i-1a000001 +8\\.8\\.8\\.8 +tcp +443");
    assertThat(out).contains("18 of 18 expectations met.");
    // groups and attachments, with the refusals scenario 4 is about
    assertThat(out)
        .containsPattern(
            "scenario-1-ssh +securitygroup\\.ec2\\.portcullis\\.dev/ssh-from-laptop +True +Ready"
                + " +sg-[0-9a-f]{17} +eu-west-1 +1 +1 +False +\\S+\n")
        .containsPattern(
            "scenario-3-union +securitygroupattachment\\.ec2\\.portcullis\\.dev/frontend +True"
                + " +Attached +eu-west-1 +1 +\\S+\n")
        .containsPattern(
            "scenario-4-across-vpcs +securitygroupattachment\\.ec2\\.portcullis\\.dev/app +False"
                + " +\\S+ +eu-west-1 +1 +\\S+\n")
        .contains("psga scenario-4-across-vpcs/app: i-4b000001 is in vpc-4b000001")
        .contains(
            "psg scenario-4-across-regions/us-app: SecurityGroup app is in region eu-west-1 but"
                + " this group is in us-east-1; a group reference never matches across regions");

    // scenario 1's traffic: SSH from elsewhere counted as dropped by the dev box's groups, and
    // summed up in its group's status
    assertThat(out)
        .containsPattern(
            "portcullis_flows_total\\{action=\"reject\",attachment=\"dev-box\",direction=\"ingress\","
                + "namespace=\"scenario-1-ssh\",port=\"22\",protocol=\"tcp\","
                + "reason=\"no_ingress_rule\"\\} [1-9]");
    int at = out.indexOf("Denials:");
    assertThat(at).as("the demo shows the group's denials\n%s", out).isPositive();
    String denials =
        out.substring(at, out.indexOf("\n==>", at) < 0 ? out.length() : out.indexOf("\n==>", at));
    assertThat(denials)
        .containsPattern("Rejected: +[1-9]")
        .containsPattern("Peer: +192\\.0\\.2\\.0/24")
        .containsPattern("Port: +22")
        .containsPattern("Reason: +no_ingress_rule");

    assertThat(Files.exists(tmp.resolve("state/run.pid"))).as("run.pid is removed").isFalse();
    assertThat(userKubeconfig())
        .as("the user's kubeconfig is untouched")
        .isEqualTo(kubeconfigBefore);
    assertNothingLeftRunning(started);
  }

  @Test
  void withoutOnceItPrintsTheKubeconfigAndRunsUntilStopped() throws Exception {
    start();
    String kubeconfig = awaitLine(Pattern.compile("^ {2}export KUBECONFIG=(\\S+)$"), 1);
    awaitLine(Pattern.compile("^Press Ctrl-C to stop"), 0);
    assertThat(kubeconfig).isEqualTo(tmp.resolve("state/cluster/kubeconfig").toString());
    assertThat(Files.readString(Path.of(kubeconfig))).contains("server: https://127.0.0.1:");

    // The cluster and the operator keep serving: a kubectl of the user's sees the verdicts.
    Path kubectl = ApiServerCluster.binariesDir(ApiServerCluster.cacheDir()).resolve("kubectl");
    Process get =
        new ProcessBuilder(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig,
                "get",
                "prc",
                "-n",
                "scenario-5-refused",
                "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.status.verdict} {end}")
            .redirectErrorStream(true)
            .start();
    String verdicts = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(get.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(verdicts)
        .contains("nothing-listens-on-8080=ConnectionRefused")
        .contains("ssh-is-blocked=TimedOut")
        .contains("http-is-served=Reachable");
    assertThat(process.isAlive()).as("the demo keeps running").isTrue();

    Map<ProcessHandle, String> started = new LinkedHashMap<>();
    process.descendants().forEach(p -> started.put(p, command(p)));
    assertThat(started.values())
        .as("the demo runs the operator and the local API server")
        .anySatisfy(c -> assertThat(c).contains("kube-apiserver"))
        .anySatisfy(c -> assertThat(c).contains("etcd"))
        .anySatisfy(c -> assertThat(c).contains("portcullis.jar operator"));
    // SIGTERM, which the script handles as Ctrl-C (SIGINT). Through the handle, because
    // Process.destroy() also closes the pipes, and the script's last words would be lost.
    process.toHandle().destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(diagnostics()).isTrue();
    reader.join(5_000);
    assertThat(output()).contains("Stopped the operator and the local API server.");
    assertNothingLeftRunning(started);
  }

  private void start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", "scripts/run.sh"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", tmp.resolve("no-kubeconfig").toString());
    env.put("KUBECACHEDIR", tmp.resolve("kube-cache").toString());
    env.put("PORTCULLIS_DEMO_STATE", tmp.resolve("state").toString());
    env.put("PORTCULLIS_CACHE", ApiServerCluster.cacheDir().toAbsolutePath().toString());
    process = pb.start();
    reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "demo-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for a line of the demo's output that matches; returns the group asked for. */
  private String awaitLine(Pattern pattern, int group) throws InterruptedException {
    long deadline = System.nanoTime() + DEMO_TIMEOUT.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          Matcher m = pattern.matcher(lines.get(seen));
          if (m.find()) {
            return m.group(group);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new AssertionError("no line matching " + pattern + " in:\n" + diagnostics());
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1_000)));
      }
    }
  }

  /** What the script printed. */
  private String output() {
    StringBuilder b = new StringBuilder();
    synchronized (lines) {
      lines.forEach(l -> b.append(l).append('\n'));
    }
    return b.toString();
  }

  /** What the script printed, and the end of the operator's log, to say why a test failed. */
  private String diagnostics() {
    StringBuilder b = new StringBuilder(output());
    Path log = tmp.resolve("state/operator.log");
    if (Files.exists(log)) {
      try (Stream<String> s = Files.lines(log)) {
        List<String> all = s.toList();
        b.append("--- last lines of ").append(log).append('\n');
        all.subList(Math.max(0, all.size() - 40), all.size())
            .forEach(l -> b.append(l).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        b.append("(operator log unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return b.toString();
  }

  private static void assertCheck(String out, String namespace, String name, String verdict) {
    assertThat(out)
        .containsPattern(
            Pattern.compile(
                "(?m)^"
                    + Pattern.quote(namespace)
                    + " +reachabilitycheck\\.ec2\\.portcullis\\.dev/"
                    + Pattern.quote(name)
                    + " +(True +)?"
                    + verdict
                    + " "));
  }

  private static String command(ProcessHandle p) {
    return p.info().commandLine().orElse(p.info().command().orElse(""));
  }

  private static void assertNothingLeftRunning(Map<ProcessHandle, String> started) {
    assertThat(
            started.entrySet().stream()
                .filter(e -> e.getKey().isAlive())
                .map(e -> e.getKey().pid() + " " + e.getValue())
                .toList())
        .as("processes the demo started and left running")
        .isEmpty();
  }

  /** The kubeconfig kubectl would use without KUBECONFIG, or null when there is none. */
  private static byte[] userKubeconfig() throws IOException {
    Path config = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.exists(config) ? Files.readAllBytes(config) : null;
  }
}
