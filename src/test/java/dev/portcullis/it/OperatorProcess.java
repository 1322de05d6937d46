package dev.portcullis.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code portcullis operator} in a process of its own, on its AWS path ({@code --cloud aws
 * --aws-endpoint}) against an EC2 endpoint on 127.0.0.1, watching one namespace of a test cluster
 * through a kubeconfig file, as a pod would run it. Its output goes to a log file in {@code dir}.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private OperatorProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts an operator; {@code name} names its log file in {@code dir}, and {@code options} are
   * added to its command line.
   */
  static OperatorProcess start(
      TestCluster cluster, Path dir, String name, String namespace, URI ec2, String... options)
      throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    if (!Files.exists(kubeconfig)) {
      Files.writeString(kubeconfig, cluster.kubeconfigYaml());
    }
    return start(kubeconfig, dir, name, namespace, ec2, List.of(), Map.of(), List.of(options));
  }

  /**
   * Starts an operator through {@code kubeconfig}, with {@code jvm} options before its main class,
   * {@code env} over the environment it is given (credentials "test", no AWS profile, no {@code
   * PORTCULLIS_*} settings) and {@code options} after its own (no metrics server unless they give
   * {@code --metrics-port}).
   */
  static OperatorProcess start(
      Path kubeconfig,
      Path dir,
      String name,
      String namespace,
      URI ec2,
      List<String> jvm,
      Map<String, String> env,
      List<String> options)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.portcullis.Main",
            "operator",
            "--cloud",
            "aws",
            "--aws-endpoint",
            ec2.toString(),
            "--namespaces",
            namespace));
    if (!options.contains("--metrics-port")) {
      command.addAll(List.of("--metrics-port", "0"));
    }
    command.addAll(options);
    // To a file: a pipe read while the process ends can lose its last lines.
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = pb.environment();
    environment.put("KUBECONFIG", kubeconfig.toString());
    environment.put("AWS_ACCESS_KEY_ID", "test");
    environment.put("AWS_SECRET_ACCESS_KEY", "test");
    environment.put("AWS_EC2_METADATA_DISABLED", "true");
    environment.remove("AWS_PROFILE");
    environment.put("AWS_CONFIG_FILE", dir.resolve("aws-config").toString());
    environment.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("aws-credentials").toString());
    environment.keySet().removeIf(k -> k.startsWith("PORTCULLIS_"));
    environment.putAll(env);
    Process process = pb.start();
    process.getOutputStream().close();
    return new OperatorProcess(process, log);
  }

  /** The process, for its state and exit. */
  Process process() {
    return process;
  }

  /** Kills it with SIGKILL, as a node that dies or a pod past its grace period: no clean-up. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the operator did not die of SIGKILL within 10 s");
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Its output so far. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
